//! Reading an xlsx of organizations (11 columns, as `benches/import.rs` writes its CSV; ИНН, КПП
//! and ОГРН as numbers): the streamed reader the imports use (`RowStream`, rows one at a time;
//! `new`) against calamine's streamed cell reader that `nok` used in session 9 (the shared
//! strings of the book in memory; `calamine`) and against the whole-sheet reading `nok` did
//! before that (the file's bytes in memory, calamine's `worksheet_range`, then every row as
//! text; `old`). Each reader runs in a process of its own (this program started again), so each
//! peak resident memory (VmHWM) is its own; reports time, rows per second and that peak.
//!
//! `cargo bench --bench xlsx_read` (100,000 rows). Environment:
//! - `NOK_BENCH_ROWS=N` the size;
//! - `NOK_BENCH_SST=1` strings in the shared-strings table as Excel saves them (rust_xlsxwriter's
//!   low-memory mode), instead of inline (its constant-memory mode): five distinct strings a row
//!   (full and short name, register code, ОКТМО, site), so 100,000 rows make 500,000 distinct
//!   strings;
//! - `NOK_BENCH_WRITE=FILE` only writes the workbook to FILE and stops;
//! - `NOK_BENCH_READ=FILE` with `NOK_BENCH_READER=new|calamine|old` only reads FILE with that
//!   reader
//!   (what the main mode starts; with `/usr/bin/time -v` for an outside measure);
//! - `NOK_BENCH_READERS=new|new,calamine` the readers the main mode runs (all three by default;
//!   the whole-sheet one needs gigabytes at a million rows).

use std::path::Path;
use std::time::Instant;

use nok::domain::ids::{inn10_check_digit, ogrn_check_digit};
use nok::exchange::import::stream::{RowSource, RowStream};
use rust_xlsxwriter::Workbook;

#[path = "support/measure.rs"]
mod measure;
use measure::{env_num, peak_rss_kib};

fn with_check(prefix: String, check: impl Fn(&[u8]) -> u8) -> String {
    let d: Vec<u8> = prefix.bytes().map(|b| b - b'0').collect();
    format!("{prefix}{}", check(&d))
}

/// Writes `rows` organizations to `path`, a row at a time (the writer keeps one row in memory;
/// with `shared`, also the table of distinct strings).
fn write_xlsx(rows: usize, path: &Path, shared: bool) -> Result<(), rust_xlsxwriter::XlsxError> {
    let sectors = [
        "культура",
        "образование",
        "социальное обслуживание",
        "охрана здоровья",
    ];
    let mut book = Workbook::new();
    let sheet = if shared {
        book.add_worksheet_with_low_memory()?
    } else {
        book.add_worksheet_with_constant_memory()?
    };
    sheet.set_name("Организации")?;
    let header = [
        "Полное наименование",
        "Сокращенное наименование",
        "ИНН",
        "КПП",
        "ОГРН",
        "Код по Сводному реестру",
        "Сфера",
        "Регион",
        "ОКТМО",
        "Адрес",
        "Сайт",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *h)?;
    }
    for i in 0..rows {
        let r = i as u32 + 1;
        let inn = with_check(format!("{:09}", 100_000_000 + i), |d| {
            inn10_check_digit(&d.try_into().unwrap_or([0; 9]))
        });
        let ogrn = with_check(format!("10278{:07}", i), |d| {
            ogrn_check_digit(&d.try_into().unwrap_or([0; 12]))
        });
        let number = |s: &str| s.parse::<f64>().unwrap_or(0.0);
        sheet.write_string(
            r,
            0,
            format!("Государственное бюджетное учреждение «Организация № {i}»"),
        )?;
        sheet.write_string(r, 1, format!("ГБУ № {i}"))?;
        sheet.write_number(r, 2, number(&inn))?;
        sheet.write_number(r, 3, number(&format!("78{:02}01001", i % 100)))?;
        sheet.write_number(r, 4, number(&ogrn))?;
        sheet.write_string(r, 5, format!("{:03}{:05}", 100 + i / 100_000, i % 100_000))?;
        sheet.write_string(r, 6, sectors[i % 4])?;
        sheet.write_string(r, 7, "Санкт-Петербург")?;
        sheet.write_string(r, 8, format!("40{:06}", i % 1_000_000))?;
        sheet.write_string(
            r,
            9,
            format!("г. Санкт-Петербург, ул. Садовая, д. {}", i % 300 + 1),
        )?;
        sheet.write_string(r, 10, format!("https://org{i}.ru"))?;
    }
    book.save(path)
}

/// The streamed reader: rows one at a time, as `nok import orgs|inputs` reads them.
fn read_new(path: &Path) -> (usize, usize) {
    let mut rows = RowStream::open(path).expect("open");
    let (mut n, mut cells) = (0, 0);
    while let Some(row) = rows.next_row().expect("row") {
        n += 1;
        cells += row.filled().count();
    }
    (n, cells)
}

/// calamine's streamed cell reader as `nok` used it in session 9: the shared strings read into
/// memory when the book is opened, the first sheet's cells one at a time, each as text.
fn read_calamine(path: &Path) -> (usize, usize) {
    use calamine::{Reader, Xlsx};
    let file = std::io::BufReader::with_capacity(1 << 16, std::fs::File::open(path).expect("open"));
    let mut book = Xlsx::new(file).expect("xlsx");
    let name = book.sheet_names().into_iter().next().expect("a sheet");
    let mut cells = book.worksheet_cells_reader(&name).expect("sheet");
    let (mut rows, mut filled, mut last) = (0, 0, None);
    while let Some(cell) = cells.next_cell().expect("cell") {
        let text = calamine::Data::from(cell.get_value().clone()).to_string();
        if text.is_empty() {
            continue;
        }
        filled += 1;
        let r = cell.get_position().0;
        if last != Some(r) {
            rows += 1;
            last = Some(r);
        }
    }
    (rows, filled)
}

/// The whole-sheet reading `nok` did before: the file's bytes, calamine's range of the sheet,
/// then every row as text (all three alive at once, as they were).
fn read_old(path: &Path) -> (usize, usize) {
    use calamine::{Reader, open_workbook_auto_from_rs};
    let bytes = std::fs::read(path).expect("read");
    let mut book = open_workbook_auto_from_rs(std::io::Cursor::new(&bytes[..])).expect("open");
    let name = book.sheet_names().into_iter().next().expect("a sheet");
    let range = book.worksheet_range(&name).expect("sheet");
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(|d| d.to_string()).collect())
        .collect();
    let cells = rows
        .iter()
        .map(|r| r.iter().filter(|c| !c.is_empty()).count())
        .sum();
    (rows.len(), cells)
}

fn main() {
    let rows = env_num::<usize>("NOK_BENCH_ROWS", 100_000);
    let shared = std::env::var("NOK_BENCH_SST").is_ok_and(|v| v == "1");
    if let Ok(path) = std::env::var("NOK_BENCH_WRITE") {
        write_xlsx(rows, Path::new(&path), shared).expect("write xlsx");
        println!("записан {path}: {rows} строк");
        return;
    }
    if let Ok(path) = std::env::var("NOK_BENCH_READ") {
        let reader = std::env::var("NOK_BENCH_READER").unwrap_or_else(|_| "new".into());
        let t = Instant::now();
        let (n, cells) = match reader.as_str() {
            "old" => read_old(Path::new(&path)),
            "calamine" => read_calamine(Path::new(&path)),
            _ => read_new(Path::new(&path)),
        };
        let s = t.elapsed().as_secs_f64();
        let peak = peak_rss_kib().map_or(0.0, |k| k as f64 / 1024.0);
        println!(
            "{reader}: {n} строк, {cells} ячеек за {s:.2} с ({:.0} строк/с), пик памяти (VmHWM) {peak:.1} МБ",
            n as f64 / s
        );
        return;
    }
    let dir = std::env::temp_dir().join(format!("nok-xlsx-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("orgs.xlsx");
    let t = Instant::now();
    write_xlsx(rows, &file, shared).expect("write xlsx");
    let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    println!(
        "Файл: {rows} строк, {:.1} МБ, строки {} (записан за {:.1} с)",
        size as f64 / 1e6,
        if shared {
            "в общей таблице (как Excel)"
        } else {
            "в ячейках"
        },
        t.elapsed().as_secs_f64()
    );
    let me = std::env::current_exe().expect("this program");
    let readers: &[&str] = match std::env::var("NOK_BENCH_READERS") {
        Ok(list) if list == "new,calamine" => &["new", "calamine"],
        Ok(list) if list == "new" => &["new"],
        _ => &["new", "calamine", "old"],
    };
    for &reader in readers {
        let out = std::process::Command::new(&me)
            .env("NOK_BENCH_READ", &file)
            .env("NOK_BENCH_READER", reader)
            .output()
            .expect("run the reader");
        print!("{}", String::from_utf8_lossy(&out.stdout));
        eprint!("{}", String::from_utf8_lossy(&out.stderr));
    }
    let _ = std::fs::remove_dir_all(&dir);
}
