//! The responsibility map as data: which OPD owns or contributes to each indicator. Read by
//! [`crate::input::owners`]; consulted by consolidation (`combine owner`) and the OPD analysis.

use crate::core::answers::InputFile;

/// What an OPD does for an indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Answers for the indicator and must act on it.
    Owner,
    /// Supplies part of the evidence.
    Contributor,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Contributor => "contributor",
        }
    }
}

/// One row of the map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Responsibility {
    /// Index into the model's indicators.
    pub indicator: usize,
    /// The OPD's name as the map writes it.
    pub opd: String,
    pub role: Role,
    /// 1-based line in the map (0 when unknown).
    pub line: u64,
}

/// A whole responsibility map.
#[derive(Debug, Clone, Default)]
pub struct OwnerMap {
    pub rows: Vec<Responsibility>,
    /// The file it came from, for the receipt.
    pub file: Option<InputFile>,
    /// What the reader had to guess (a CSV map read as windows-1252), for the result's warnings.
    pub warnings: Vec<String>,
}

/// The key two spellings of one OPD name share: case and runs of spaces do not matter, so
/// `Dinas  Kesehatan` in a sheet matches `dinas kesehatan` in the map.
pub fn opd_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

impl OwnerMap {
    /// The owners of indicator `i`, in map order.
    pub fn owners(&self, indicator: usize) -> Vec<&str> {
        self.with_role(indicator, Role::Owner)
    }

    /// The contributors to indicator `i`, in map order.
    pub fn contributors(&self, indicator: usize) -> Vec<&str> {
        self.with_role(indicator, Role::Contributor)
    }

    fn with_role(&self, indicator: usize, role: Role) -> Vec<&str> {
        self.rows
            .iter()
            .filter(|r| r.indicator == indicator && r.role == role)
            .map(|r| r.opd.as_str())
            .collect()
    }

    /// True when `opd` (any spelling, see [`opd_key`]) owns indicator `i`.
    pub fn is_owner(&self, indicator: usize, opd: &str) -> bool {
        let key = opd_key(opd);
        self.rows
            .iter()
            .any(|r| r.indicator == indicator && r.role == Role::Owner && opd_key(&r.opd) == key)
    }

    /// Every OPD the map names, in order of first appearance (first spelling kept).
    pub fn opds(&self) -> Vec<&str> {
        let mut seen = std::collections::HashSet::new();
        self.rows
            .iter()
            .filter(|r| seen.insert(opd_key(&r.opd)))
            .map(|r| r.opd.as_str())
            .collect()
    }
}
