//! Answers: one OPD's level (or decimal value) for one indicator, and every answer of an institution with the OPD
//! names interned. Plain data, read by [`crate::input::sheets`] and consumed by the core.

use std::num::NonZeroU32;

use crate::core::stage::Stage;

/// One OPD's answer for one indicator: 20 bytes, so a million answers take 20 MB.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// Index into [`AnswerSet::opds`].
    pub opd: u32,
    /// Index into the model's indicators (a model has at most
    /// [`crate::core::model::MAX_INDICATORS`]).
    pub indicator: u8,
    /// The level or value in the model's units: the level itself for a model of whole levels,
    /// hundredths of a level for a model with 2 decimals (`1.26` is 126); see
    /// [`crate::core::value`].
    pub value: u16,
    /// The assessment stage of the answer, from the optional `stage` column.
    pub stage: Option<Stage>,
    /// Index into [`AnswerSet::files`] and the 1-based line of the row.
    pub file: u32,
    pub line: u32,
    /// Where the evidence and note columns are in [`AnswerSet::remarks`], when either is filled
    /// in (most rows have neither); read them with [`AnswerSet::evidence`] and
    /// [`AnswerSet::note`].
    pub remarks: Option<NonZeroU32>,
}

/// The free-text cells of an answer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Remarks {
    pub evidence: Option<Box<str>>,
    pub note: Option<Box<str>>,
}

/// What was read from one input.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct InputFile {
    pub path: String,
    pub sha256: String,
    pub rows: u64,
}

/// Every answer from every input, with the OPD names interned.
#[derive(Debug, Clone, Default)]
pub struct AnswerSet {
    pub opds: Vec<String>,
    pub answers: Vec<Answer>,
    pub files: Vec<InputFile>,
    /// Things worth saying that are not errors (an encoding that was guessed).
    pub warnings: Vec<String>,
    /// What was read, for `-v`: the sheet of a workbook, title rows above a header, columns
    /// not read, files not read because a later revision was sent.
    pub notes: Vec<String>,
    /// The evidence and note of the answers that have them; [`Answer::remarks`] counts from 1.
    pub remarks: Vec<Remarks>,
}

impl AnswerSet {
    fn remarks_of(&self, a: &Answer) -> Option<&Remarks> {
        self.remarks.get(a.remarks?.get() as usize - 1)
    }

    /// The answer's evidence cell, if filled in.
    pub fn evidence(&self, a: &Answer) -> Option<&str> {
        self.remarks_of(a)?.evidence.as_deref()
    }

    /// The answer's note cell, if filled in.
    pub fn note(&self, a: &Answer) -> Option<&str> {
        self.remarks_of(a)?.note.as_deref()
    }
}
