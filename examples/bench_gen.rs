//! Writes the benchmark inputs of `bench/run.sh`, deterministically (a fixed-seed splitmix64, so
//! every run and every machine gets the same bytes).
//!
//! `cargo run --release --example bench_gen -- DIR` writes into DIR:
//! - `answers-1m.csv`: 1,000,000 rows `opd,indicator,stage,level`, 20,000 OPD names, every
//!   indicator of spbe-2020, levels 1..5, each (OPD, indicator, stage) at most once;
//! - `answers-10m/`: ten such files (10,000,000 rows), OPD names 20,000 apart per file;
//! - `sheet-47.csv`: one OPD's 47 rows `indicator,level`;
//! - `sheets-5000/`: 5,000 sheets of 47 rows, one per OPD;
//! - `national-1m.csv`: the national long file of `spbe compare`: 998,750 rows
//!   `instansi,opd,indicator,level`, 1,250 institutions × 17 OPD × 47 indicators, grouped by
//!   institution as an export is;
//! - `national-10m.csv`: the same for 12,500 institutions (9,987,500 rows, ten times longer).
//!
//! `bench_gen DIR national` writes only the two national files.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::Path;

use spbe::core::model::Model;
use spbe::core::stage::Stage;

const SEED: u64 = 0x5EB3_2020;
const ROWS: u64 = 1_000_000;
const OPDS: u64 = 20_000;

/// splitmix64: tiny, well-mixed, and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn level(&mut self) -> u64 {
        1 + self.next() % 5
    }
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// `rows` distinct (OPD, indicator, stage) triples in a scrambled order: row r takes triple
/// r × step mod N, with step coprime to N, so no triple repeats while r < N.
fn big_file(path: &Path, ids: &[String], first_opd: u64, rng: &mut Rng) -> std::io::Result<()> {
    let stages = Stage::ALL.len() as u64;
    let n = OPDS * ids.len() as u64 * stages;
    let mut step = 2_654_435_761 % n;
    while gcd(step, n) != 1 {
        step += 1;
    }
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    writeln!(out, "opd,indicator,stage,level")?;
    for r in 0..ROWS {
        let t = r * step % n;
        let opd = first_opd + t % OPDS;
        let rest = t / OPDS;
        let indicator = &ids[(rest % ids.len() as u64) as usize];
        let stage = Stage::ALL[(rest / ids.len() as u64) as usize];
        writeln!(
            out,
            "Dinas Kab {opd:06},{indicator},{stage},{}",
            rng.level()
        )?;
    }
    out.flush()
}

fn sheet(path: &Path, ids: &[String], rng: &mut Rng) -> std::io::Result<()> {
    let mut out = BufWriter::new(File::create(path)?);
    writeln!(out, "indicator,level")?;
    for id in ids {
        writeln!(out, "{id},{}", rng.level())?;
    }
    out.flush()
}

/// The OPD of every institution in the national file: 17 names as pemda spell them.
const NATIONAL_OPDS: [&str; 17] = [
    "Sekretariat Daerah",
    "Bappeda",
    "BKPSDM",
    "BPKAD",
    "Dinas Komunikasi dan Informatika",
    "Inspektorat",
    "Dinas Kesehatan",
    "Dinas Pendidikan",
    "DPMPTSP",
    "Dinas Kependudukan dan Pencatatan Sipil",
    "Dinas Sosial",
    "Dinas Perhubungan",
    "Dinas Pekerjaan Umum",
    "Bagian Pengadaan Barang dan Jasa",
    "Bagian Hukum",
    "Bagian Organisasi",
    "Badan Pendapatan Daerah",
];

/// The national long file: `institutions` institutions, each with every OPD answering every
/// indicator, rows grouped by institution (an export of the ministry's application is).
fn national(path: &Path, ids: &[String], institutions: u64, rng: &mut Rng) -> std::io::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    writeln!(out, "instansi,opd,indicator,level")?;
    let mut base = vec![0u64; ids.len()];
    for k in 0..institutions {
        let kind = if k % 5 == 0 { "Kota" } else { "Kabupaten" };
        // Each institution has its own level per indicator; its OPD claim that level or one
        // above it, so the indices spread over the whole scale as real ones do.
        for b in base.iter_mut() {
            *b = rng.level();
        }
        for opd in NATIONAL_OPDS {
            for (id, b) in ids.iter().zip(&base) {
                let level = (b + u64::from(rng.next() % 3 == 0)).min(5);
                writeln!(out, "Pemerintah {kind} Contoh {k:05},{opd},{id},{level}")?;
            }
        }
    }
    out.flush()
}

fn main() -> std::io::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .expect("usage: bench_gen DIR [national]");
    let dir = Path::new(&dir);
    let model = Model::load("spbe-2020").expect("the embedded model loads");
    let ids: Vec<String> = model.indicators.iter().map(|i| i.id.clone()).collect();
    let mut national_rng = Rng(SEED ^ 0x1250);
    fs::create_dir_all(dir)?;
    national(&dir.join("national-1m.csv"), &ids, 1_250, &mut national_rng)?;
    national(
        &dir.join("national-10m.csv"),
        &ids,
        12_500,
        &mut national_rng,
    )?;
    if std::env::args().nth(2).as_deref() == Some("national") {
        return Ok(());
    }
    let mut rng = Rng(SEED);
    fs::create_dir_all(dir.join("answers-10m"))?;
    fs::create_dir_all(dir.join("sheets-5000"))?;
    big_file(&dir.join("answers-1m.csv"), &ids, 0, &mut rng)?;
    for k in 0..10 {
        let path = dir.join(format!("answers-10m/part-{k:02}.csv"));
        big_file(&path, &ids, k * OPDS, &mut rng)?;
    }
    sheet(&dir.join("sheet-47.csv"), &ids, &mut rng)?;
    for k in 0..5_000 {
        sheet(
            &dir.join(format!("sheets-5000/opd-{k:04}.csv")),
            &ids,
            &mut rng,
        )?;
    }
    Ok(())
}
