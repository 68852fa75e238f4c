//! Authorities (one per region and sector, with their staff) and the operators that assess
//! organizations in each region.

use anyhow::{Result, bail};

use super::people::person;
use super::{AuthCtx, Gen, T_AUTH, T_OPERATOR};
use crate::domain::org::Authority;
use crate::domain::sector::Sector;
use crate::service::demo::DemoSink;
use crate::service::demo::names::fill;
use crate::service::demo::rng::Rng;

impl Gen<'_> {
    pub(super) fn authorities(&mut self, sink: &mut dyn DemoSink) -> Result<()> {
        for r in 0..self.regions.len() {
            let region = self.regions[r];
            for s in Sector::ALL {
                let a = self.auth_index(r, s);
                let mut rng = Rng::derive(self.seed, &[T_AUTH, a as u64]);
                let Some(forms) = self.lists.authority_forms(&region.style, s) else {
                    bail!(
                        "во встроенных списках нет уполномоченного органа для региона «{}»",
                        region.nom
                    );
                };
                let vars = [
                    ("gen", region.genitive.as_str()),
                    ("abbr", region.abbr.as_str()),
                ];
                let ids = self.next_ids(r, &mut rng)?;
                let authority = Authority {
                    name: fill(&forms.nom, &vars),
                    short_name: fill(&forms.short, &vars),
                    region: region.nom.clone(),
                    sector: Some(s),
                    inn: ids.inn,
                    kpp: ids.kpp,
                    ogrn: ids.ogrn,
                    reg_num: ids.reg_num,
                    website: format!("https://{}.{}", forms.subdomain, region.domain),
                };
                let id = sink.authority(&authority)?;
                let lists = self.lists;
                let staff = (0..4)
                    .map(|_| person(lists, &mut rng, 0.75, |_, _| String::new()))
                    .collect();
                self.auths.push(AuthCtx {
                    id,
                    region: r,
                    sector: s,
                    genitive: fill(&forms.genitive, &vars),
                    prep: fill(&forms.prep, &vars),
                    act: forms.act.clone(),
                    website: authority.website,
                    name: authority.name,
                    staff,
                });
            }
        }
        for r in 0..self.regions.len() {
            let region = self.regions[r];
            let mut rng = Rng::derive(self.seed, &[T_OPERATOR, r as u64]);
            let mut ops = Vec::new();
            let n = self.lists.operator_templates.len().min(3);
            let start = rng.index(self.lists.operator_templates.len());
            for k in 0..n {
                let t = &self.lists.operator_templates
                    [(start + k) % self.lists.operator_templates.len()];
                let brand = rng.pick(&self.lists.operator_brands).cloned();
                let name = fill(
                    t,
                    &[
                        ("brand", brand.as_deref().unwrap_or_default()),
                        ("adj", region.adj.as_str()),
                    ],
                );
                let ids = self.next_ids(r, &mut rng)?;
                ops.push((name, ids.inn));
            }
            self.operators.push(ops);
        }
        Ok(())
    }
}
