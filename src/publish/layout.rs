//! The frame of every page: `lang="ru"`, a skip link, the site header with the sections and the
//! link to the other version (обычная / для слабовидящих), one `h1`, the main content and a
//! footer with the date the data was taken.
//!
//! The site is two parallel trees: the regular pages at the root and the same pages under
//! `accessible/` with the high-contrast, large-font style sheet. A page's body is rendered once
//! with links relative to its own place in a tree, so it fits both trees unchanged.

use chrono::NaiveDate;
use maud::{DOCTYPE, Markup, html};

use super::format;
use crate::domain::methodology::Methodology;
use crate::store::publication::PubCycle;

/// The folder of the version for the visually impaired, inside the site.
pub const ACCESSIBLE_DIR: &str = "accessible";

/// What every page says about the publication.
#[derive(Debug, Clone, Copy)]
pub struct Site<'a> {
    pub cycle: &'a PubCycle,
    pub method: &'a Methodology,
    /// The date the data was taken (and plan statuses are judged on).
    pub today: NaiveDate,
}

impl Site<'_> {
    /// Decimals of scores (the method's rounding).
    pub fn digits(&self) -> usize {
        self.method.rounding.digits as usize
    }

    /// «социальное обслуживание, 2025 год, Ленинградская область».
    pub fn subject(&self) -> String {
        format!(
            "{}, {} год, {}",
            self.cycle.sector.name_ru(),
            self.cycle.year,
            format::clean(&self.cycle.region)
        )
    }
}

/// Which version of the site a page belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    Regular,
    /// Версия для слабовидящих.
    Accessible,
}

/// The sections in the site header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Index,
    Rating,
    Organizations,
    Council,
    /// A page outside the header (an organization, a group).
    Other,
}

const SECTIONS: [(Section, &str, &str); 4] = [
    (Section::Index, "index.html", "Итоги"),
    (Section::Rating, "rating.html", "Рейтинг"),
    (Section::Organizations, "organizations.html", "Организации"),
    (Section::Council, "council.html", "Общественный совет"),
];

/// `../` once for each folder the page is in, within its tree: links from the body start with it.
pub fn up(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

/// The whole page at `path` (relative to its tree's root) in `version`, around `body`, which
/// must hold no `h1` (the frame writes `heading` as the only one).
pub fn page(
    site: &Site<'_>,
    path: &str,
    section: Section,
    heading: &str,
    version: Version,
    body: &Markup,
) -> String {
    let up = up(path);
    let (css, other, other_label) = match version {
        Version::Regular => (
            vec![format!("{up}style.css")],
            format!("{up}{ACCESSIBLE_DIR}/{path}"),
            "Версия для слабовидящих",
        ),
        Version::Accessible => (
            vec![
                format!("{up}../style.css"),
                format!("{up}../accessible.css"),
            ],
            format!("{up}../{path}"),
            "Обычная версия сайта",
        ),
    };
    let cycle = site.cycle;
    html! {
        (DOCTYPE)
        html lang="ru" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="generator" content="nok";
                title { (heading) " — независимая оценка качества, " (cycle.year) }
                @for href in &css {
                    link rel="stylesheet" href=(href);
                }
            }
            body.accessible[version == Version::Accessible] {
                a.skip href="#main" { "Перейти к основному содержанию" }
                header.site {
                    div.site-inner {
                        p.site-title {
                            "Независимая оценка качества условий оказания услуг: "
                            (site.subject())
                        }
                        nav aria-label="Разделы отчета" {
                            ul {
                                @for (s, file, label) in SECTIONS {
                                    li {
                                        a href=(format!("{up}{file}"))
                                            aria-current=[(s == section).then_some("page")] { (label) }
                                    }
                                }
                            }
                        }
                        p.version { a href=(other) { (other_label) } }
                    }
                }
                main id="main" tabindex="-1" {
                    h1 { (heading) }
                    (body)
                }
                footer.foot {
                    p {
                        "Данные по состоянию на " (format::date(site.today)) ". "
                        @if let Some(at) = &cycle.computed_at {
                            "Баллы рассчитаны " (format::stamp(at)) " по методике "
                            (format::clean(&site.method.title)) ". "
                        }
                        "Уполномоченный орган: " (format::clean(&cycle.authority)) "."
                    }
                    p { "Сформировано программой nok." }
                }
            }
        }
    }
    .into_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_prefix_follows_folders() {
        assert_eq!(up("index.html"), "");
        assert_eq!(up("org/1.html"), "../");
    }
}
