//! Organizations: type, city, name, identifiers, address and website of each, its quality, and
//! the years it is assessed.

use anyhow::Result;
use chrono::NaiveDate;

use super::scratch::Scratch;
use super::{Gen, T_ORG, YEARS, sector_index};
use crate::domain::org::Organization;
use crate::domain::plan::Person;
use crate::domain::sector::Sector;
use crate::service::demo::DemoSink;
use crate::service::demo::names::{self, City, OrgType, Scope, capitalize, fill};
use crate::service::demo::rng::Rng;

/// How often (in organizations) `DemoSink::progress` is called.
const PROGRESS_EVERY: u64 = 1000;

/// Sectors of consecutive organizations in a region: education is the most numerous.
const SECTOR_PATTERN: [Sector; 10] = [
    Sector::Education,
    Sector::Social,
    Sector::Culture,
    Sector::Health,
    Sector::Education,
    Sector::Culture,
    Sector::Social,
    Sector::Education,
    Sector::Health,
    Sector::Education,
];

/// An organization while its assessments are generated.
pub(super) struct OrgCtx {
    pub(super) index: u64,
    pub(super) id: i64,
    pub(super) sector: Sector,
    pub(super) ty: &'static OrgType,
    pub(super) group: String,
    pub(super) q: f64,
    pub(super) acc: f64,
    /// Responsible people by area, made on first use (the same person across the years).
    pub(super) staff: [Option<Person>; 6],
    /// Checklist items (indicator, item) fixed by done plan rows, with the date they were done.
    pub(super) fixed: Vec<((usize, usize), NaiveDate)>,
}

impl Gen<'_> {
    pub(super) fn organizations(&mut self, sink: &mut dyn DemoSink) -> Result<()> {
        let total = u64::from(self.opts.orgs);
        let mut scratch = Scratch::new();
        for i in 0..total {
            self.organization(i, &mut scratch, sink)?;
            let done = i + 1;
            if done.is_multiple_of(PROGRESS_EVERY) || done == total {
                sink.progress(done, total);
            }
        }
        Ok(())
    }

    /// Picks a type and a city, preferring combinations whose names are still free.
    fn pick_type_and_city(&self, r: usize, s: Sector, rng: &mut Rng) -> (usize, usize) {
        let region = self.regions[r];
        let (types, weights) = &self.types_by_sector[sector_index(s)];
        let city_weights: Vec<u32> = region.cities.iter().map(|c| c.weight).collect();
        let mut choice = (0, 0);
        for _ in 0..6 {
            let t = types[rng.weighted(weights)];
            let c = rng.weighted(&city_weights);
            choice = (t, c);
            let ty = &self.lists.org_types[t];
            if ty.numbered() {
                break;
            }
            let used = self
                .name_counters
                .get(&self.counter_key(r, t, c))
                .copied()
                .unwrap_or(0) as usize;
            let free = if ty.name.contains("{nick}") {
                used < self.lists.nicknames.len()
            } else if ty.name.contains("{dk}") {
                used < self.lists.dk_names.len()
            } else {
                used == 0
            };
            if free {
                break;
            }
        }
        choice
    }

    fn counter_key(&self, r: usize, t: usize, c: usize) -> (usize, usize, usize) {
        let city = if self.lists.org_types[t].per_city() {
            c
        } else {
            usize::MAX
        };
        (r, self.stem_of_type[t], city)
    }

    fn organization(
        &mut self,
        i: u64,
        scratch: &mut Scratch,
        sink: &mut dyn DemoSink,
    ) -> Result<()> {
        let lists = self.lists;
        let r = (i % self.regions.len() as u64) as usize;
        let s = SECTOR_PATTERN
            [((i / self.regions.len() as u64) % SECTOR_PATTERN.len() as u64) as usize];
        let a = self.auth_index(r, s);
        let region = self.regions[r];
        let mut rng = Rng::derive(self.seed, &[T_ORG, i]);

        let (t, c) = self.pick_type_and_city(r, s, &mut rng);
        let ty: &OrgType = &lists.org_types[t];
        let city: &City = &region.cities[c];
        let key = self.counter_key(r, t, c);
        let counter = self.name_counters.entry(key).or_insert(0);
        let mut suffix = 0;
        let mut number = String::new();
        let mut nick = String::new();
        let mut dk = String::new();
        if ty.numbered() {
            let gap = if rng.chance(0.3) {
                rng.range(1, 3) as u32
            } else {
                0
            };
            *counter += 1 + gap;
            number = counter.to_string();
            if ty.name.contains("{nick}") {
                nick = rng.pick(&lists.nicknames).cloned().unwrap_or_default();
            }
        } else {
            let k = *counter as usize;
            *counter += 1;
            let offset = r * 7 + c * 3;
            if ty.name.contains("{nick}") {
                let len = lists.nicknames.len();
                nick = lists.nicknames[(offset + k) % len].clone();
                suffix = k / len;
            } else if ty.name.contains("{dk}") {
                let len = lists.dk_names.len();
                dk = lists.dk_names[(offset + k) % len].clone();
                suffix = k / len;
            } else {
                suffix = k;
            }
        }
        let vars = [
            ("adj_m", city.adj_m.as_str()),
            ("adj_f", city.adj_f.as_str()),
            ("district", city.district.as_str()),
            ("city", city.name.as_str()),
            ("city_gen", city.genitive.as_str()),
            ("n", number.as_str()),
            ("nick", nick.as_str()),
            ("dk", dk.as_str()),
        ];
        let mut name = fill(&ty.name, &vars);
        let mut short = fill(&ty.short, &vars);
        if suffix > 0 {
            name.push_str(&format!(" № {}", suffix + 1));
            short.push_str(&format!(" № {}", suffix + 1));
        }
        let form_idx = *rng.pick(&ty.forms).unwrap_or(&0);
        let form = &lists.legal_forms[form_idx.min(lists.legal_forms.len().saturating_sub(1))];
        let (full_name, short_name) = match ty.scope {
            Scope::Region => (
                format!("{} {} «{name}»", capitalize(&form.full), region.genitive),
                format!("{} {} «{short}»", form.short, region.abbr),
            ),
            Scope::City => (
                format!("{} «{name}» г. {}", capitalize(&form.full), city.genitive),
                format!("{} «{short}» г. {}", form.short, city.genitive),
            ),
            Scope::Plain => (
                format!("{} «{name}»", capitalize(&form.full)),
                format!("{} «{short}»", form.short),
            ),
        };
        let ids = self.next_ids(r, &mut rng)?;
        let oktmo = if rng.chance(0.35) {
            format!("{}{:03}", city.oktmo, rng.range(1, 40))
        } else {
            city.oktmo.clone()
        };
        let street = rng.pick(&lists.streets).cloned().unwrap_or_default();
        let house = rng.range(1, 120);
        let building = if rng.chance(0.12) {
            format!(", корп. {}", rng.range(1, 3))
        } else {
            String::new()
        };
        let address = format!(
            "{:06}, {}, г. {}, {street}, д. {house}{building}",
            city.postal + rng.below(20) as u32,
            region.nom,
            city.name
        );
        let site_suffix = if suffix > 0 {
            format!("-{}", suffix + 1)
        } else {
            String::new()
        };
        let nick_part = if ty.numbered() || (nick.is_empty() && dk.is_empty()) {
            String::new()
        } else {
            format!(
                "-{}",
                names::translit(if dk.is_empty() { &nick } else { &dk })
            )
        };
        let website = format!(
            "https://{}{number}{nick_part}{site_suffix}-{}.ru",
            ty.slug, city.slug
        );
        let active = rng.chance(0.97);
        let group = rng.pick(&ty.groups).cloned().unwrap_or_default();

        let org = Organization {
            full_name,
            short_name,
            inn: ids.inn,
            kpp: ids.kpp,
            ogrn: ids.ogrn,
            reg_num: ids.reg_num,
            sector: s,
            region: region.nom.clone(),
            oktmo,
            address,
            website,
            founder_id: self.auths[a].id,
            active,
        };
        let org_id = sink.organization(&org)?;
        self.org_count[a] += 1;

        // Quality: the organization's overall level and its accessibility level.
        let q = (0.9 * rng.normal()).clamp(-3.0, 3.0);
        let acc = (0.6 * q + 0.8 * rng.normal()).clamp(-3.0, 3.0);
        let mut years = [false; YEARS];
        for y in &mut years {
            *y = rng.chance(0.6);
        }
        if !active {
            years[YEARS - 1] = false;
        }
        if !years.iter().any(|&y| y) {
            let span = if active { YEARS } else { YEARS - 1 };
            years[rng.index(span)] = true;
        }
        let mut org_ctx = OrgCtx {
            index: i,
            id: org_id,
            sector: s,
            ty,
            group,
            q,
            acc,
            staff: Default::default(),
            fixed: Vec::new(),
        };
        for (yi, _) in years.iter().enumerate().filter(|(_, y)| **y) {
            self.assessment(&mut org_ctx, a, yi, scratch, sink)?;
        }
        Ok(())
    }
}
