//! Identifiers of the generated legal entities: ИНН, КПП, ОГРН and regNum, valid and distinct
//! within the data set.

use anyhow::{Result, bail};

use super::Gen;
use crate::domain::ids;
use crate::service::demo::names::Region;
use crate::service::demo::rng::Rng;

/// Symbols of the last five characters of a regNum (digits, then Cyrillic capitals).
const REG_NUM_SYMBOLS: [char; 35] = [
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'А', 'Б', 'В', 'Г', 'Д', 'Е', 'Ж', 'И', 'К',
    'Л', 'М', 'Н', 'П', 'Р', 'С', 'Т', 'У', 'Ф', 'Х', 'Ц', 'Ч', 'Ш', 'Э', 'Ю', 'Я',
];

/// Years of state registration used in ОГРН (most budget institutions re-registered in 2002–2003).
const OGRN_YEARS: [u32; 9] = [2, 2, 2, 3, 3, 5, 8, 11, 15];

fn digits_of(s: &str) -> Vec<u8> {
    s.bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| b - b'0')
        .collect()
}

/// Identifiers of one legal entity.
pub(super) struct Ids {
    pub(super) inn: String,
    pub(super) kpp: String,
    pub(super) ogrn: String,
    pub(super) reg_num: String,
}

/// Builds the identifiers of the `c`-th legal entity of a region. Distinct `c` give distinct ИНН
/// and regNum within the region; the region code (ИНН) and budget code (regNum) make them distinct
/// across regions.
fn make_ids(region: &Region, c: u64, rng: &mut Rng) -> Result<Ids> {
    let l = region.ifns.len() as u64;
    let space = l * 100_000;
    if c >= space || c >= 350_000 {
        bail!(
            "исчерпаны номера ИНН демонстрационной базы для региона «{}»",
            region.nom
        );
    }
    // Bijections of 0..space and 0..350000: the multipliers are primes that divide neither modulus
    // (a region has at most 20 inspections), so distinct `c` give distinct values.
    let p = (c * 7919 + 38_417) % space;
    let ifns = &region.ifns[(p % l) as usize];
    let serial = p / l;
    let tail = (c * 104_729 + 60_777) % 350_000;
    // ОГРН is not derived from ИНН: its record number is drawn on its own.
    let record = rng.below(100_000);

    let prefix = format!("{}{}{serial:05}", region.tax, ifns);
    let d = digits_of(&prefix);
    let mut first9 = [0u8; 9];
    first9.copy_from_slice(&d[..9]);
    let inn = format!("{prefix}{}", ids::inn10_check_digit(&first9));

    let yy = *rng.pick(&OGRN_YEARS).unwrap_or(&2);
    let ogrn12 = format!("1{yy:02}{}{}{record:05}", region.tax, ifns);
    let d = digits_of(&ogrn12);
    let mut first12 = [0u8; 12];
    first12.copy_from_slice(&d[..12]);
    let ogrn = format!("{ogrn12}{}", ids::ogrn_check_digit(&first12));

    let kpp = format!("{}{}01001", region.tax, ifns);
    let mut reg_num = region.budget.clone();
    reg_num.push(REG_NUM_SYMBOLS[(tail / 10_000) as usize]);
    reg_num.push_str(&format!("{:04}", tail % 10_000));
    Ok(Ids {
        inn,
        kpp,
        ogrn,
        reg_num,
    })
}

impl Gen<'_> {
    pub(super) fn next_ids(&mut self, r: usize, rng: &mut Rng) -> Result<Ids> {
        let c = self.entity_counters[r];
        self.entity_counters[r] += 1;
        make_ids(self.regions[r], c, rng)
    }
}
