//! The notices of an evaluation (`core::evaluate::Notice`) as sentences for people, in the
//! chosen language: the one place a notice is phrased for a reader. The English sentence is
//! [`Notice::english`], kept in the core because the JSON records that carry it (the scorecard,
//! the OPD report, the comparison table) are built there and the core cannot reach this room;
//! the Indonesian one is here. Both matches name every variant, so a new notice does not compile
//! until both languages say it.

use crate::core::evaluate::Notice;
use crate::output::i18n::{Labels, Lang};

/// What a reader should know, in the chosen language.
pub fn notices(notices: &[Notice], l: &Labels) -> Vec<String> {
    notices.iter().map(|n| notice(n, l)).collect()
}

/// One notice in the chosen language (English is [`Notice::english`]).
pub fn notice(n: &Notice, l: &Labels) -> String {
    if l.lang == Lang::En {
        return n.english();
    }
    match n {
        Notice::OwnerSilent {
            indicators,
            fallback,
        } => format!(
            "combine=owner: {} indikator tidak dijawab pemiliknya, sehingga combine={} yang menentukan: {}",
            indicators.len(),
            fallback.as_str(),
            indicators
                .iter()
                .map(|(id, owners)| match owners.is_empty() {
                    true => format!("{id} (tidak ada pemilik di peta)"),
                    false => format!("{id} (pemilik {} tidak menjawab)", owners.join(", ")),
                })
                .collect::<Vec<_>>()
                .join("; ")
        ),
        Notice::Unanswered { indicators, lowest } => format!(
            "{} indikator tidak dijawab dan dinilai pada tingkat terendah {}: {}",
            indicators.len(),
            l.num(lowest.to_string()),
            indicators.join(", ")
        ),
        Notice::MeanEstimate {
            decimal_values: false,
        } => "combine=mean memberi perkiraan: kementerian menilai satu tingkat bulat per indikator"
            .into(),
        Notice::MeanEstimate {
            decimal_values: true,
        } => "combine=mean memberi perkiraan: asesor memberi satu nilai per indikator, bukan rata-rata jawaban OPD".into(),
        Notice::ExternalPending {
            indicator,
            name,
            source,
            key,
            lowest,
        } => format!(
            "menunggu: nilai dari {source}: indikator {indicator} {name} dihitung {} sampai nilai itu terbit, seperti asesor menghitungnya; berikan dengan --external {key}=NILAI",
            l.num(lowest.to_string())
        ),
        Notice::ExternalConverted {
            indicator,
            name,
            source,
            key,
            given,
            from,
            band,
            level,
            value,
            confidence,
            replaced,
        } => {
            let from = from.clone().unwrap_or(format!("--external {key}={given}"));
            let mut text = format!(
                "indeks lain: indikator {indicator} {name} bernilai {} hasil konversi dari {source} {given} ({from}), pita {} = level {level}",
                l.num(value.to_string()),
                band.replace(" to ", " sampai ").replace('.', ",")
            );
            if let Some(c) = confidence {
                let c = match c.as_str() {
                    "unverified" => "belum terverifikasi",
                    "low" => "rendah keyakinannya",
                    "medium" => "cukup yakin",
                    other => other,
                };
                text.push_str(&format!("; pita konversi {c} (bukan konversi resmi)"));
            }
            if let Some(r) = replaced {
                text.push_str(&format!(
                    "; nilai {} dari lembar jawaban tidak dipakai",
                    l.num(r)
                ));
            }
            text
        }
        Notice::NotOfficial { model, status } => format!(
            "model {model} berstatus {status}, bukan resmi: baca hasilnya dengan mengingat hal itu"
        ),
        Notice::WhatIf(overrides) => format!(
            "andaian: {} tingkat diganti dengan --set, bukan sesuai jawaban: {}",
            overrides.len(),
            overrides
                .iter()
                .map(|o| format!("{} {} -> {}", o.indicator, o.from, o.to))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Notice::Stage(text) | Notice::Reading(text) => text.clone(),
    }
}
