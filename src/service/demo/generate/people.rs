//! People: names with matching gender and patronymic, and the responsible people of an
//! organization by area.

use super::T_STAFF;
use super::organizations::OrgCtx;
use crate::domain::plan::Person;
use crate::service::demo::names::{Area, Lists, feminine_surname};
use crate::service::demo::rng::Rng;

pub(super) fn person(
    lists: &Lists,
    rng: &mut Rng,
    female_share: f64,
    position: impl FnOnce(bool, &mut Rng) -> String,
) -> Person {
    let female = rng.chance(female_share);
    let surname = rng.pick(&lists.surnames).cloned().unwrap_or_default();
    let father = rng.pick(&lists.male);
    let (last_name, first_name, middle_name) = if female {
        (
            feminine_surname(&surname),
            rng.pick(&lists.female).cloned().unwrap_or_default(),
            father.map(|f| f.patronymic_f.clone()).unwrap_or_default(),
        )
    } else {
        (
            surname,
            rng.pick(&lists.male)
                .map(|m| m.name.clone())
                .unwrap_or_default(),
            father.map(|f| f.patronymic_m.clone()).unwrap_or_default(),
        )
    };
    let position = position(female, rng);
    Person {
        last_name,
        first_name,
        middle_name,
        position,
    }
}

impl OrgCtx {
    pub(super) fn staff(&mut self, lists: &Lists, seed: u64, area: Area) -> &Person {
        let (index, sector, ty) = (self.index, self.sector, self.ty);
        self.staff[area.index()].get_or_insert_with(|| {
            let mut rng = Rng::derive(seed, &[T_STAFF, index, area.index() as u64]);
            let female_share = if area == Area::Ahch || area == Area::It {
                0.45
            } else {
                0.78
            };
            person(lists, &mut rng, female_share, |female, rng| {
                if area == Area::Head {
                    return if female {
                        ty.head_f.clone()
                    } else {
                        ty.head_m.clone()
                    };
                }
                let positions = lists.positions_for(area, sector);
                match rng.pick(&positions) {
                    Some(p) if female => p.fem.clone(),
                    Some(p) => p.masc.clone(),
                    None if female => ty.head_f.clone(),
                    None => ty.head_m.clone(),
                }
            })
        })
    }
}
