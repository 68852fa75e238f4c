//! What an attacker or a careless hand tries through the command line: escape sequences stored
//! in names, tampered packages for `nok check`, devices and links as targets of a copy, files
//! replaced without a word. Each case is built by hand here; the expectations are worked out
//! from the case, never taken from the program's own output.

mod cli_support;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Output;

use cli_support::nok;

const TODAY: &str = "22.11.2026";

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn demo_db(dir: &Path) -> PathBuf {
    let db = dir.join("demo.sqlite");
    let out = nok(
        &[
            "demo",
            "--db",
            db.to_str().unwrap(),
            "--orgs",
            "20",
            "--today",
            TODAY,
        ],
        dir,
    );
    assert!(out.status.success(), "demo: {}", text(&out.stderr));
    db
}

fn run(db: &Path, dir: &Path, args: &[&str]) -> Output {
    let mut all = vec!["--db", db.to_str().unwrap(), "--today", TODAY];
    all.extend_from_slice(args);
    nok(&all, dir)
}

/// A name carrying what would drive a terminal: OSC «set title» ended by BEL, a CSI colour, an
/// 8-bit CSI (U+009B) clearing the screen, a BEL and a NUL.
const POISON: &str = "ГБУ\u{1b}]0;pwned\u{7} «Ромашка\u{1b}[31m»\u{9b}2J\u{7}\u{0} центр";
/// The same name as it must be shown: the sequences gone whole, the controls dropped.
const CLEAN: &str = "ГБУ «Ромашка» центр";

/// Control characters a terminal acts on; `\n`, `\r` and `\t` are the only ones allowed.
fn assert_inert(what: &str, bytes: &[u8]) {
    let s = text(bytes);
    let bad: Vec<(usize, char)> = s
        .char_indices()
        .filter(|(_, c)| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        .collect();
    assert!(bad.is_empty(), "{what}: control characters {bad:?} in\n{s}");
    assert!(
        !s.contains("pwned"),
        "{what}: an OSC payload survived:\n{s}"
    );
    // «»2J», not «2J» alone: a temporary folder's random name printed beside it may hold «2J».
    assert!(
        !s.contains("[31m") && !s.contains("»2J"),
        "{what}: CSI parameters survived:\n{s}"
    );
}

#[test]
fn stored_escape_sequences_never_reach_the_terminal_or_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let (cycle, membership) = {
        let c = nok::store::open_existing(&db).unwrap();
        let (cycle, org_id, membership): (i64, i64, i64) = c
            .query_row(
                "SELECT m.cycle_id, m.org_id, m.id FROM membership m
                 WHERE EXISTS (SELECT 1 FROM plan_row p WHERE p.cycle_id = m.cycle_id AND p.org_id = m.org_id)
                 ORDER BY (SELECT count(*) FROM membership x WHERE x.cycle_id = m.cycle_id) DESC, m.id
                 LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        // What an xlsx import could store before readers cleaned names: written by SQL.
        c.execute(
            "UPDATE organization SET short_name = ?1, full_name = ?1 WHERE id = ?2",
            (POISON, org_id),
        )
        .unwrap();
        c.execute(
            "UPDATE plan_row SET measure = ?1, planned_date = '2020-01-01', status = 'planned'
             WHERE cycle_id = ?2 AND org_id = ?3",
            (POISON, cycle, org_id),
        )
        .unwrap();
        (cycle, membership)
    };
    let cycle_s = cycle.to_string();

    // Rated: the name in the rating, on screen and as CSV.
    let out = run(&db, dir.path(), &["score", "--cycle", &cycle_s]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_inert("score", &out.stdout);
    assert!(
        text(&out.stdout).contains("ГБУ «Ромашка»"),
        "{}",
        text(&out.stdout)
    );
    let out = run(
        &db,
        dir.path(),
        &[
            "export", "table", "rating", "--cycle", &cycle_s, "--out", "-",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_inert("export table --out -", &out.stdout);
    assert!(text(&out.stdout).contains(CLEAN), "{}", text(&out.stdout));

    // Overdue plan rows name the organization and the measure.
    let out = run(&db, dir.path(), &["plans", "overdue", "--cycle", &cycle_s]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_inert("plans overdue", &out.stdout);
    assert!(
        text(&out.stdout).contains("ГБУ «Ромашка»"),
        "{}",
        text(&out.stdout)
    );
    let out = run(
        &db,
        dir.path(),
        &["plans", "overdue", "--cycle", &cycle_s, "--format", "csv"],
    );
    assert_inert("plans overdue --format csv", &out.stdout);
    assert!(text(&out.stdout).contains(CLEAN), "{}", text(&out.stdout));

    // A CSV file and an xlsx-free package manifest.
    let file = dir.path().join("plans.csv");
    let out = run(
        &db,
        dir.path(),
        &[
            "export",
            "table",
            "plans",
            "--cycle",
            &cycle_s,
            "--out",
            file.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_inert("stdout of export table", &out.stdout);
    let csv = std::fs::read(&file).unwrap();
    assert_inert("plans.csv", &csv);
    assert!(text(&csv).contains(CLEAN), "{}", text(&csv));
    let out = run(
        &db,
        dir.path(),
        &[
            "export",
            "busgov",
            "--cycle",
            &cycle_s,
            "--out",
            dir.path().join("pk").to_str().unwrap(),
        ],
    );
    assert_inert("export busgov stdout", &out.stdout);
    assert_inert("export busgov stderr", &out.stderr);
    let pkg = std::fs::read_dir(dir.path().join("pk"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.is_dir())
        .expect("a package folder");
    let manifest = std::fs::read(pkg.join("manifest.csv")).unwrap();
    assert_inert("manifest.csv", &manifest);
    assert!(text(&manifest).contains(CLEAN), "{}", text(&manifest));

    // An error that names the organization: impossible inputs (more «yes» than asked).
    {
        let c = nok::store::open_existing(&db).unwrap();
        c.execute(
            "UPDATE indicator_input SET value = 1000
             WHERE membership_id = ?1 AND key_id = (SELECT id FROM input_key WHERE key = '5.3.yes')",
            [membership],
        )
        .unwrap();
    }
    let out = run(&db, dir.path(), &["score", "--cycle", &cycle_s]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_inert("score stderr", &out.stderr);
    assert!(
        text(&out.stderr).contains("ГБУ «Ромашка»"),
        "{}",
        text(&out.stderr)
    );

    // The summary, the database check and the cycles list.
    for args in [&[][..], &["check-db"][..], &["cycles"][..]] {
        let out = run(&db, dir.path(), args);
        assert_inert(&format!("{args:?} stdout"), &out.stdout);
        assert_inert(&format!("{args:?} stderr"), &out.stderr);
    }
}

// ---------------------------------------------------------------------------------------------
// nok check

/// Exports the demo's busgov package; returns its folder.
fn package(db: &Path, dir: &Path) -> PathBuf {
    let out = run(
        db,
        dir,
        &[
            "export",
            "busgov",
            "--cycle",
            "1",
            "--out",
            dir.join("pk").to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    std::fs::read_dir(dir.join("pk"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.is_dir())
        .expect("a package folder")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

fn check(path: &Path, dir: &Path) -> (i32, String) {
    let out = nok(&["check", path.to_str().unwrap()], dir);
    (
        out.status.code().unwrap_or(-1),
        format!("{}{}", text(&out.stdout), text(&out.stderr)),
    )
}

/// The results XML of the package and its text with the total score changed (88.85 → 99.99).
fn edited_results(pkg: &Path) -> (String, String) {
    let name = std::fs::read_dir(pkg)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .find(|n| n.starts_with("results_"))
        .expect("a results document");
    let xml = std::fs::read_to_string(pkg.join(&name)).unwrap();
    let at = xml.find("<ns2:total>").expect("a total") + "<ns2:total>".len();
    let end = at + xml[at..].find('<').unwrap();
    let edited = format!("{}99.99{}", &xml[..at], &xml[end..]);
    assert_ne!(edited, xml);
    (name, edited)
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn an_edited_document_fails_however_the_manifest_was_damaged() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let pkg = package(&db, dir.path());
    let (code, out) = check(&pkg, dir.path());
    assert_eq!(code, 0, "the package as exported passes: {out}");
    let (name, edited) = edited_results(&pkg);
    let manifest = std::fs::read_to_string(pkg.join("manifest.csv")).unwrap();
    let row = manifest
        .lines()
        .find(|l| l.starts_with(&name))
        .expect("its manifest row")
        .to_string();

    let case = |label: &str, manifest: Option<String>| -> (i32, String) {
        let copy = dir.path().join(label);
        copy_dir(&pkg, &copy);
        std::fs::write(copy.join(&name), &edited).unwrap();
        match manifest {
            Some(m) => std::fs::write(copy.join("manifest.csv"), m).unwrap(),
            None => std::fs::remove_file(copy.join("manifest.csv")).unwrap(),
        }
        check(&copy, dir.path())
    };
    // Only the document edited: the checksum differs.
    let (code, out) = case("edited", Some(manifest.clone()));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("PKG-02"), "{out}");
    // Its row malformed: one field fewer (the csv reader's «unequal lengths»).
    let short = row.rsplit_once(';').unwrap().0.to_string();
    let (code, out) = case("short-row", Some(manifest.replace(&row, &short)));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("PKG-06") && out.contains("PKG-03"), "{out}");
    // Its checksum replaced by something that is not one.
    let (head, _) = row.rsplit_once(';').unwrap();
    let (code, out) = case(
        "bad-sha",
        Some(manifest.replace(&row, &format!("{head};не-сумма"))),
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("PKG-06"), "{out}");
    // Its row deleted.
    let (code, out) = case("no-row", Some(manifest.replace(&format!("{row}\r\n"), "")));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("PKG-03"), "{out}");
    // The manifest gone.
    let (code, out) = case("no-manifest", None);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("PKG-05"), "{out}");
    // The manifest emptied (no header).
    let (code, out) = case("empty-manifest", Some(String::new()));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("PKG-06"), "{out}");

    // One file checked alone is compared with the manifest beside it.
    let copy = dir.path().join("edited");
    let (code, out) = check(&copy.join(&name), dir.path());
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("PKG-02"), "{out}");

    // A wrong ИНН check digit, the manifest made to match: only the checksum of the ИНН tells.
    let xml = std::fs::read_to_string(pkg.join(&name)).unwrap();
    let at = xml.find("<inn>").unwrap() + "<inn>".len();
    let inn = &xml[at..at + 10];
    let last = inn.as_bytes()[9] - b'0';
    let wrong = format!("{}{}", &inn[..9], (last + 1) % 10);
    let bad_xml = xml.replacen(
        &format!("<inn>{inn}</inn>"),
        &format!("<inn>{wrong}</inn>"),
        1,
    );
    let copy = dir.path().join("bad-inn");
    copy_dir(&pkg, &copy);
    std::fs::write(copy.join(&name), &bad_xml).unwrap();
    let old_sha = sha256_hex(xml.as_bytes());
    let new_sha = sha256_hex(bad_xml.as_bytes());
    std::fs::write(
        copy.join("manifest.csv"),
        manifest.replace(&old_sha, &new_sha),
    )
    .unwrap();
    let (code, out) = check(&copy, dir.path());
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("VAL-09") && out.contains(&wrong), "{out}");
    assert!(!out.contains("PKG-02"), "the manifest matches: {out}");

    // A criterion the law does not have (К6), the manifest made to match: an error, not a pass.
    assert!(xml.contains(">К1<"), "the results name К1");
    let k6_xml = xml.replacen(">К1<", ">К6<", 1);
    let copy = dir.path().join("k6");
    copy_dir(&pkg, &copy);
    std::fs::write(copy.join(&name), &k6_xml).unwrap();
    std::fs::write(
        copy.join("manifest.csv"),
        manifest.replace(&old_sha, &sha256_hex(k6_xml.as_bytes())),
    )
    .unwrap();
    let (code, out) = check(&copy, dir.path());
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("«К6»") && out.contains("К1…К5"), "{out}");
    assert!(!out.contains("PKG-02"), "the manifest matches: {out}");
}

/// A zip written by hand: (name, bytes) entries, deflated.
fn zip_of(path: &Path, entries: &[(&str, &[u8])]) {
    let mut w = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap();
}

#[test]
fn zips_with_names_leaving_the_package_or_too_big_to_unpack_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let pkg = package(&db, dir.path());
    let (name, _) = edited_results(&pkg);
    let xml = std::fs::read(pkg.join(&name)).unwrap();
    let manifest = std::fs::read(pkg.join("manifest.csv")).unwrap();
    for evil in [
        "../../x.xml",
        "/abs/x.xml",
        "C:\\x.xml",
        "pkg/../../x.xml",
        "pkg\\..\\x.xml",
    ] {
        let zip = dir.path().join("evil.zip");
        zip_of(&zip, &[("pkg/manifest.csv", &manifest), (evil, &xml)]);
        let (code, out) = check(&zip, dir.path());
        assert_eq!(code, 1, "{evil}: {out}");
        assert!(out.contains("PKG-07"), "{evil}: {out}");
    }

    // A small zip that unpacks to 80 MiB of zeros in one entry: refused from the sizes the
    // archive declares, before unpacking. (Deflated once with the export's own deflater.)
    let mut deflater = nok::exchange::busgov::zipfile::Deflater::new();
    let zeros = vec![0u8; 80 << 20];
    let mut packed = Vec::new();
    let crc32 = deflater.deflate(&zeros, &mut packed).unwrap();
    let stamp = chrono::NaiveDate::from_ymd_opt(2026, 11, 22)
        .unwrap()
        .and_hms_opt(10, 0, 0)
        .unwrap();
    let entry = nok::exchange::busgov::zipfile::Deflated {
        data: &packed,
        crc32,
        size: zeros.len() as u64,
    };
    let bomb = dir.path().join("bomb.zip");
    let mut z =
        nok::exchange::busgov::zipfile::ZipOut::new(std::fs::File::create(&bomb).unwrap(), stamp);
    z.add("pkg/bomb.xml", entry).unwrap();
    z.finish().unwrap();
    assert!(std::fs::metadata(&bomb).unwrap().len() < 1 << 20);
    let (code, out) = check(&bomb, dir.path());
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("80,0 МБ") && out.contains("64,0 МБ"), "{out}");

    // An archive that lies about the size: 1 KiB declared, 80 MiB inside. Reading stops at the
    // limit (or at the declared size, where the checksum then fails): never 80 MiB in memory
    // as a document, never a pass.
    let liar = dir.path().join("liar.zip");
    let mut z =
        nok::exchange::busgov::zipfile::ZipOut::new(std::fs::File::create(&liar).unwrap(), stamp);
    z.add(
        "pkg/liar.xml",
        nok::exchange::busgov::zipfile::Deflated {
            size: 1024,
            ..entry
        },
    )
    .unwrap();
    z.finish().unwrap();
    let (code, out) = check(&liar, dir.path());
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("PKG-04") || out.contains("64,0 МБ"), "{out}");

    // Entries each under the limit (20 MiB), together far more than a zip this small holds of
    // XML: refused before unpacking too.
    let part = &zeros[..20 << 20];
    let crc32 = deflater.deflate(part, &mut packed).unwrap();
    let entry = nok::exchange::busgov::zipfile::Deflated {
        data: &packed,
        crc32,
        size: part.len() as u64,
    };
    let many = dir.path().join("many.zip");
    let mut z =
        nok::exchange::busgov::zipfile::ZipOut::new(std::fs::File::create(&many).unwrap(), stamp);
    for i in 0..5 {
        z.add(&format!("pkg/f{i}.xml"), entry).unwrap();
    }
    z.finish().unwrap();
    let (code, out) = check(&many, dir.path());
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("содержимое архива") && out.contains("100,0 МБ"),
        "{out}"
    );

    // Not a zip at all, and not a regular file.
    let fake = dir.path().join("fake.zip");
    std::fs::write(&fake, "это не архив").unwrap();
    let (code, out) = check(&fake, dir.path());
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("не zip-архив"), "{out}");
    let (code, out) = check(Path::new("/dev/zero"), dir.path());
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("не обычный файл"), "{out}");
    let fifo = dir.path().join("pipe.xml");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path; mkfifo only creates a node.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let (code, out) = check(&fifo, dir.path());
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("не обычный файл"), "{out}");
}

// ---------------------------------------------------------------------------------------------
// Files replaced

#[test]
fn nothing_but_a_regular_file_is_replaced_and_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());

    // backup onto a pipe (what /dev/full is to root: not a file) — refused even with --force.
    let fifo = dir.path().join("fifo");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: as above.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let out = run(
        &db,
        dir.path(),
        &["backup", fifo.to_str().unwrap(), "--force"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("не обычный файл"),
        "{}",
        text(&out.stderr)
    );
    assert!(std::os::unix::fs::FileTypeExt::is_fifo(
        &std::fs::symlink_metadata(&fifo).unwrap().file_type()
    ));
    let out = run(&db, dir.path(), &["backup", "/dev/null", "--force"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("не обычный файл"),
        "{}",
        text(&out.stderr)
    );

    // export table over an existing file: asks for --force, keeps the file; then replaces it.
    let file = dir.path().join("mine.csv");
    std::fs::write(&file, "мои данные").unwrap();
    let args = [
        "export",
        "table",
        "rating",
        "--cycle",
        "1",
        "--out",
        file.to_str().unwrap(),
    ];
    let out = run(&db, dir.path(), &args);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("--force"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "мои данные");
    let mut forced = args.to_vec();
    forced.push("--force");
    let out = run(&db, dir.path(), &forced);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(std::fs::read_to_string(&file).unwrap().contains("Место"));
    // A link is not followed nor replaced.
    let link = dir.path().join("link.csv");
    std::os::unix::fs::symlink(&file, &link).unwrap();
    let out = run(
        &db,
        dir.path(),
        &[
            "export",
            "table",
            "rating",
            "--cycle",
            "1",
            "--out",
            link.to_str().unwrap(),
            "--force",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("символическая ссылка"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_package_is_never_written_over_a_file_named_as_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let file = dir.path().join("пакеты");
    std::fs::write(&file, "мое").unwrap();
    let out = run(
        &db,
        dir.path(),
        &[
            "export",
            "busgov",
            "--cycle",
            "1",
            "--out",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("не папка") && err.contains("--out"), "{err}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "мое");
}
