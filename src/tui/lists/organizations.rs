//! The organization list's model: every organization's key, indexed once for search and sorted
//! by any column, and the filtered, sorted view the screen draws a window of. Built off the UI
//! thread (the worker); the screen («Организации», `screens::organizations`) only reads it and
//! changes its search, filters and sort.
//!
//! At start the list is first a page: the first organizations in name order, read through an
//! index in a millisecond (`store::browse::first_page`), shown until the whole index arrives.

use super::org_filters::OrgFilters;
use crate::store::browse::{OrgKey, name_key};

/// The column the organization list is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrgSort {
    Name,
    Sector,
    Region,
    Total,
    Place,
    Completion,
    Overdue,
}

impl OrgSort {
    pub const ALL: [OrgSort; 7] = [
        OrgSort::Name,
        OrgSort::Sector,
        OrgSort::Region,
        OrgSort::Total,
        OrgSort::Place,
        OrgSort::Completion,
        OrgSort::Overdue,
    ];

    pub fn title(self) -> &'static str {
        match self {
            OrgSort::Name => "наименование",
            OrgSort::Sector => "сфера",
            OrgSort::Region => "регион",
            OrgSort::Total => "S",
            OrgSort::Place => "место",
            OrgSort::Completion => "выполнение плана",
            OrgSort::Overdue => "просрочено",
        }
    }
}

/// The organization list: all keys, and the filtered, sorted view as indices into them.
///
/// At national scale (100,000 organizations) every keystroke must stay well under a frame's
/// budget, so the work is split: the sort is applied once to all keys (`sorted`) and filtering
/// keeps that order, so typing never sorts; a search that extends the previous one narrows the
/// current view instead of scanning all keys, and Backspace returns to the view it came from.
#[derive(Debug)]
pub struct OrgList {
    pub keys: Vec<OrgKey>,
    /// Lower-case short name, full name, ИНН and regNum of every key, one after another in one
    /// string (one allocation for all, not one per key).
    hay: String,
    /// Where each key's text starts in `hay`, and where its ИНН and regNum start (they match from
    /// their start); key `i` ends where key `i + 1` starts (`hay_at` has one entry more).
    hay_at: Vec<u32>,
    ids_at: Vec<(u32, u32)>,
    /// Every key in name order, and each key's place in it (ties of other sorts go by it).
    by_name: Vec<u32>,
    name_rank: Vec<u32>,
    /// Each key's region as its place among the regions in alphabetical order.
    region_rank: Vec<u32>,
    /// Every key in the current sort and direction.
    sorted: Vec<u32>,
    /// Indices into `keys` of the rows shown, in order.
    pub view: Vec<u32>,
    /// Views of shorter searches, to go back to on Backspace: (needle, view).
    narrowed: Vec<(String, Vec<u32>)>,
    /// The needle `view` was filtered with.
    needle: String,
    pub selected: usize,
    pub offset: usize,
    pub query: String,
    pub sort: OrgSort,
    pub descending: bool,
    pub filters: OrgFilters,
    /// While only the first page is loaded: how many organizations there are (the whole index
    /// follows). `None` when `keys` are all of them.
    pub partial: Option<usize>,
}

/// A search text, with its substring finder built once for the whole list.
struct Needle<'a> {
    text: &'a str,
    /// `None` for an empty search: everything matches.
    finder: Option<memchr::memmem::Finder<'a>>,
}

impl<'a> Needle<'a> {
    fn new(text: &'a str) -> Needle<'a> {
        Needle {
            text,
            finder: (!text.is_empty()).then(|| memchr::memmem::Finder::new(text.as_bytes())),
        }
    }
}

impl OrgList {
    pub fn new(keys: Vec<OrgKey>) -> OrgList {
        let size: usize = keys
            .iter()
            .map(|k| k.name.len() + k.full_name.len() + k.inn.len() + k.reg_num.len() + 3)
            .sum();
        let mut hay = String::with_capacity(size);
        let mut hay_at = Vec::with_capacity(keys.len() + 1);
        let mut ids_at = Vec::with_capacity(keys.len());
        let lower = |hay: &mut String, text: &str| hay.push_str(&text.to_lowercase());
        for k in &keys {
            let at = hay.len();
            hay_at.push(at as u32);
            lower(&mut hay, &k.name);
            hay.push('\n');
            lower(&mut hay, &k.full_name);
            hay.push('\n');
            let inn = (hay.len() - at) as u32;
            hay.push_str(&k.inn);
            hay.push('\n');
            let reg = (hay.len() - at) as u32;
            lower(&mut hay, &k.reg_num);
            ids_at.push((inn, reg));
        }
        hay_at.push(hay.len() as u32);
        hay.shrink_to_fit();
        // Name order is by the key the database indexes (`store::browse::name_key`), then by id,
        // so that the first page read through that index is the start of this order.
        let name_keys: Vec<String> = keys.iter().map(|k| name_key(&k.name)).collect();
        let mut by_name: Vec<u32> = (0..keys.len() as u32).collect();
        by_name.sort_by(|&a, &b| {
            let (x, y) = (&keys[a as usize], &keys[b as usize]);
            name_keys[a as usize]
                .cmp(&name_keys[b as usize])
                .then(x.id.cmp(&y.id))
        });
        drop(name_keys);
        let mut name_rank = vec![0u32; keys.len()];
        for (rank, &i) in by_name.iter().enumerate() {
            name_rank[i as usize] = rank as u32;
        }
        let regions: std::collections::BTreeSet<&str> =
            keys.iter().map(|k| k.region.as_str()).collect();
        let regions: Vec<&str> = regions.into_iter().collect();
        let region_rank = keys
            .iter()
            .map(|k| regions.binary_search(&k.region.as_str()).unwrap_or(0) as u32)
            .collect();
        let mut list = OrgList {
            keys,
            hay,
            hay_at,
            ids_at,
            sorted: by_name.clone(),
            by_name,
            name_rank,
            region_rank,
            view: Vec::new(),
            narrowed: Vec::new(),
            needle: String::new(),
            selected: 0,
            offset: 0,
            query: String::new(),
            sort: OrgSort::Name,
            descending: false,
            filters: OrgFilters::default(),
            partial: None,
        };
        list.refilter();
        list
    }

    /// The first page of the list in name order, while the whole index loads: `keys` as read by
    /// `store::browse::first_page`, and how many organizations there are in all.
    pub fn first_page(keys: Vec<OrgKey>, total: usize) -> OrgList {
        let mut list = OrgList::new(keys);
        list.partial = Some(total);
        list
    }

    /// How many organizations there are (also while only the first page is loaded).
    pub fn total(&self) -> usize {
        self.partial.unwrap_or(self.keys.len())
    }

    /// Whether key `i` matches the search `needle` (lower case, trimmed): a part of the short
    /// or full name, or the start of the ИНН or regNum.
    fn found(&self, i: u32, needle: &Needle) -> bool {
        let Some(finder) = &needle.finder else {
            return true;
        };
        let i = i as usize;
        let h = &self.hay.as_bytes()[self.hay_at[i] as usize..self.hay_at[i + 1] as usize];
        let (inn, reg) = self.ids_at[i];
        let text = needle.text.as_bytes();
        finder.find(&h[..inn as usize]).is_some()
            || h[inn as usize..].starts_with(text)
            || h[reg as usize..].starts_with(text)
    }

    /// Sorts again (the sort or its direction changed), then filters. Each key's sort value
    /// and its place in name order are packed into one integer, so a sort of all keys is one
    /// unstable sort of 100,000 integers (a few milliseconds) and ties stay in name order.
    pub fn resort(&mut self) {
        let keys = &self.keys;
        // Scores have two decimals: hundredths order them exactly.
        let hundredths = |v: f64| (v * 100.0).round().clamp(0.0, 100_000.0) as u32;
        let primary = |k: &OrgKey, i: usize| -> u32 {
            match self.sort {
                OrgSort::Name => 0,
                OrgSort::Sector => k.sector as u32,
                OrgSort::Region => self.region_rank[i],
                // Best first by default for S; missing values last in every sort.
                OrgSort::Total => k.latest_total.map_or(u32::MAX, |t| 100_000 - hundredths(t)),
                OrgSort::Place => k.latest_place.unwrap_or(u32::MAX),
                OrgSort::Completion => k.plan_completion().map_or(u32::MAX, hundredths),
                OrgSort::Overdue => u32::MAX - k.plan_overdue,
            }
        };
        let mut packed: Vec<u64> = keys
            .iter()
            .enumerate()
            .map(|(i, k)| (u64::from(primary(k, i)) << 32) | u64::from(self.name_rank[i]))
            .collect();
        packed.sort_unstable();
        let mut sorted: Vec<u32> = packed
            .iter()
            .map(|p| self.by_name[(p & 0xFFFF_FFFF) as usize])
            .collect();
        if self.descending {
            sorted.reverse();
        }
        self.sorted = sorted;
        self.refilter();
    }

    /// Filters all keys again (filters or search changed other than by typing on); keeps the
    /// selected organization selected when it is still shown.
    pub fn refresh(&mut self) {
        self.refilter();
    }

    fn refilter(&mut self) {
        let keep = self.selected_key().map(|k| k.id);
        let needle = self.query.trim().to_lowercase();
        let search = Needle::new(&needle);
        self.view = self
            .sorted
            .iter()
            .copied()
            .filter(|&i| self.filters.matches(&self.keys[i as usize]) && self.found(i, &search))
            .collect();
        self.narrowed.clear();
        self.needle = needle;
        self.reselect(keep);
    }

    /// The search text changed by one character typed or erased: narrow the view, or go back
    /// to the view of the shorter search.
    pub fn search_changed(&mut self) {
        let keep = self.selected_key().map(|k| k.id);
        let needle = self.query.trim().to_lowercase();
        if needle == self.needle {
            return;
        }
        if let Some(pos) = self.narrowed.iter().rposition(|(n, _)| *n == needle) {
            self.narrowed.truncate(pos + 1);
            if let Some((_, view)) = self.narrowed.pop() {
                self.view = view;
            }
        } else if needle.starts_with(&self.needle) {
            let search = Needle::new(&needle);
            let narrowed: Vec<u32> = self
                .view
                .iter()
                .copied()
                .filter(|&i| self.found(i, &search))
                .collect();
            let before = std::mem::replace(&mut self.view, narrowed);
            self.narrowed
                .push((std::mem::take(&mut self.needle), before));
        } else {
            self.refilter();
            return;
        }
        self.needle = needle;
        self.reselect(keep);
    }

    fn reselect(&mut self, keep: Option<i64>) {
        self.selected = keep
            .and_then(|id| {
                self.view
                    .iter()
                    .position(|&i| self.keys[i as usize].id == id)
            })
            .unwrap_or(0);
        self.offset = self.offset.min(self.selected);
    }

    /// Takes the search, filters, sort and selection of `old` (a list read again after a change).
    pub fn carry_over(&mut self, old: &OrgList) {
        self.query.clone_from(&old.query);
        self.filters = old.filters.clone();
        self.sort = old.sort;
        self.descending = old.descending;
        let keep = old.selected_key().map(|k| k.id);
        self.resort();
        self.reselect(keep);
        self.offset = old.offset.min(self.selected);
    }

    pub fn selected_key(&self) -> Option<&OrgKey> {
        self.view
            .get(self.selected)
            .map(|&i| &self.keys[i as usize])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::sector::Sector;
    use proptest::prelude::*;

    fn key(id: i64, name: &str, inn: &str, reg: &str, total: Option<f64>) -> OrgKey {
        OrgKey {
            id,
            name: name.to_string(),
            full_name: format!("Полное {name}"),
            inn: inn.to_string(),
            reg_num: reg.to_string(),
            sector: Sector::ALL[(id % 4) as usize],
            region: format!("Регион {}", id % 3),
            latest_year: Some(2025),
            latest_total: total,
            latest_place: total.map(|t| (101.0 - t) as u32),
            latest_ranked: Some(100),
            plan_rows: (id % 5) as u32,
            plan_done: (id % 3).min(id % 5) as u32,
            plan_cancelled: 0,
            plan_overdue: (id % 2) as u32,
        }
    }

    fn keys() -> Vec<OrgKey> {
        let names = [
            "Школа № 1",
            "школа № 12",
            "Центр соцобслуживания",
            "Музей",
            "Библиотека",
            "ШКОЛА искусств",
            "Детский сад",
            "Центр",
        ];
        names
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let id = i as i64 + 1;
                let total = (i % 3 != 0).then_some(60.0 + i as f64 * 4.5);
                key(id, n, &format!("47{i:08}"), &format!("41{i}В{i:04}"), total)
            })
            .collect()
    }

    /// What the view must be, computed the slow, obvious way.
    fn naive(list: &OrgList) -> Vec<i64> {
        let needle = list.query.trim().to_lowercase();
        let mut all = list.sorted.clone();
        all.retain(|&i| {
            let k = &list.keys[i as usize];
            list.filters.matches(k)
                && (needle.is_empty()
                    || k.name.to_lowercase().contains(&needle)
                    || k.full_name.to_lowercase().contains(&needle)
                    || k.inn.starts_with(&needle)
                    || k.reg_num.to_lowercase().starts_with(&needle))
        });
        all.iter().map(|&i| list.keys[i as usize].id).collect()
    }

    fn shown(list: &OrgList) -> Vec<i64> {
        list.view
            .iter()
            .map(|&i| list.keys[i as usize].id)
            .collect()
    }

    #[derive(Debug, Clone)]
    enum Op {
        Type(char),
        Backspace,
        Sort,
        Reverse,
        Sector(Option<usize>),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => prop::sample::select(vec!['ш', 'к', 'о', 'л', 'а', ' ', '1', '4', 'ц', 'е']).prop_map(Op::Type),
            3 => Just(Op::Backspace),
            1 => Just(Op::Sort),
            1 => Just(Op::Reverse),
            1 => prop::option::of(0..4usize).prop_map(Op::Sector),
        ]
    }

    proptest! {
        #[test]
        fn narrowing_and_going_back_gives_what_filtering_from_scratch_gives(
            ops in prop::collection::vec(op(), 0..40)
        ) {
            let mut list = OrgList::new(keys());
            for op in ops {
                match op {
                    Op::Type(c) => {
                        list.query.push(c);
                        list.search_changed();
                    }
                    Op::Backspace => {
                        list.query.pop();
                        list.search_changed();
                    }
                    Op::Sort => {
                        let i = OrgSort::ALL.iter().position(|s| *s == list.sort).unwrap_or(0);
                        list.sort = OrgSort::ALL[(i + 1) % OrgSort::ALL.len()];
                        list.resort();
                    }
                    Op::Reverse => {
                        list.descending = !list.descending;
                        list.resort();
                    }
                    Op::Sector(s) => {
                        list.filters.sector = s.map(|i| Sector::ALL[i]);
                        list.refresh();
                    }
                }
                prop_assert_eq!(shown(&list), naive(&list), "query {:?}", list.query);
            }
        }
    }

    #[test]
    fn search_matches_names_anywhere_and_identifiers_from_their_start() {
        let mut list = OrgList::new(keys());
        for (q, want) in [
            ("школа", 3),
            ("ШКОЛА № 1", 2),
            ("полное музей", 1),
            ("4700000002", 1),
            ("00000002", 0),
            ("41", 8),
            ("в0002", 0),
        ] {
            list.query = q.to_string();
            list.refresh();
            assert_eq!(list.view.len(), want, "{q}");
        }
    }

    #[test]
    fn sorts_keep_missing_values_last_and_ties_in_name_order() {
        let mut list = OrgList::new(keys());
        list.sort = OrgSort::Total;
        list.resort();
        let totals: Vec<Option<f64>> = list
            .view
            .iter()
            .map(|&i| list.keys[i as usize].latest_total)
            .collect();
        let known = totals.iter().take_while(|t| t.is_some()).count();
        assert!(totals[known..].iter().all(Option::is_none));
        assert!(totals[..known].windows(2).all(|w| w[0] >= w[1]));
        list.sort = OrgSort::Sector;
        list.resort();
        for pair in list.view.windows(2) {
            let (a, b) = (&list.keys[pair[0] as usize], &list.keys[pair[1] as usize]);
            assert!(
                a.sector < b.sector
                    || (a.sector == b.sector && a.name.to_lowercase() <= b.name.to_lowercase())
            );
        }
    }
}
