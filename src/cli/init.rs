//! `nok init`: a new, empty working database for one authority. Its details come from the flags;
//! at a terminal the missing ones are asked for (a bad value is asked again, with the reason);
//! without a terminal a missing flag is an error that names it.

use std::io::{BufRead, Write};
use std::process::ExitCode;

use super::Context;
use crate::service::init::{self, Detail};
use crate::service::session;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Полное наименование уполномоченного органа
    #[arg(long, value_name = "НАИМЕНОВАНИЕ", display_order = 11)]
    name: Option<String>,
    /// Сокращенное наименование органа
    #[arg(long, value_name = "НАИМЕНОВАНИЕ", display_order = 12)]
    short_name: Option<String>,
    /// Регион (субъект РФ), например «Ленинградская область»
    #[arg(long, value_name = "РЕГИОН", display_order = 13)]
    region: Option<String>,
    /// Сфера: social (социальное обслуживание), health (охрана здоровья), culture (культура),
    /// education (образование)
    #[arg(long, value_name = "СФЕРА", display_order = 14)]
    sector: Option<String>,
    /// ИНН органа (10 цифр, проверяется контрольная цифра)
    #[arg(long, value_name = "ИНН", display_order = 15)]
    inn: Option<String>,
    /// КПП органа (9 знаков)
    #[arg(long, value_name = "КПП", display_order = 16)]
    kpp: Option<String>,
    /// ОГРН органа (13 цифр, проверяется контрольная цифра)
    #[arg(long, value_name = "ОГРН", display_order = 17)]
    ogrn: Option<String>,
    /// Код органа по Сводному реестру (regNum: 8 знаков или 13 цифр)
    #[arg(long, value_name = "КОД", display_order = 18)]
    reg_num: Option<String>,
}

impl Args {
    fn given(&self, d: Detail) -> Option<&str> {
        match d {
            Detail::Name => self.name.as_deref(),
            Detail::ShortName => self.short_name.as_deref(),
            Detail::Region => self.region.as_deref(),
            Detail::Sector => self.sector.as_deref(),
            Detail::Inn => self.inn.as_deref(),
            Detail::Kpp => self.kpp.as_deref(),
            Detail::Ogrn => self.ogrn.as_deref(),
            Detail::RegNum => self.reg_num.as_deref(),
        }
    }
}

pub fn run(ctx: &Context, args: &Args) -> anyhow::Result<ExitCode> {
    let path = session::work_db(ctx.db.clone())?;
    // Before anything is asked: a person must not type eight values to hear «exists».
    init::refuse_existing(&path)?;
    let interactive = super::on_terminal();
    let mut values: [String; 8] = Default::default();
    let mut asked = false;
    for (i, d) in Detail::ALL.into_iter().enumerate() {
        values[i] = match args.given(d) {
            Some(v) => d
                .check(v)
                .map_err(|why| anyhow::anyhow!("параметр {}: {why}", d.flag()))?,
            None if interactive => {
                if !asked {
                    asked = true;
                    let mut out = super::out::stdout();
                    writeln!(
                        out,
                        "Новая рабочая база: {}\nВведите реквизиты уполномоченного органа \
                         (Ctrl-D или Ctrl-C — отказаться, ничего не будет создано).",
                        path.display()
                    )?;
                }
                ask(d)?
            }
            None => anyhow::bail!(
                "не указан параметр {} ({}): без терминала реквизиты органа задаются параметрами \
                 --name, --short-name, --region, --sector, --inn, --kpp, --ogrn, --reg-num; \
                 справка: nok init --help",
                d.flag(),
                d.label()
            ),
        };
    }
    let authority = init::authority(&values).map_err(|e| anyhow::anyhow!(e))?;
    let made = init::create(&path, &authority)?;
    let mut out = super::out::stdout();
    let db = made.path.display().to_string();
    let db_arg = if ctx.db.is_some() {
        format!(" --db {db}")
    } else {
        String::new()
    };
    writeln!(
        out,
        "Рабочая база создана: {db}\n\
         Орган: {} (ИНН {}, КПП {}, ОГРН {}, код по Сводному реестру {}), сфера — {}, {}.\n\
         Методика расчета: {}. Демонстрационных данных в базе нет.\n\
         Дальше:\n  \
         1. Организации: nok{db_arg} import orgs ФАЙЛ (CSV или xlsx; --dry-run — только показать)\n  \
         2. Цикл оценки: nok{db_arg} cycles add --year ГОД (номер цикла N — в ответе); или nok{db_arg} — в интерфейсе «Сводка» ведет по шагам\n  \
         3. Исходные данные: шаблон — nok{db_arg} export table template --cycle N (или x на «Сводке»); загрузка — nok{db_arg} import inputs ФАЙЛ --cycle N\n  \
         4. Баллы и рейтинг: nok{db_arg} score --cycle N\n  \
         5. Выгрузка: nok{db_arg} export busgov --cycle N; публикация: nok{db_arg} publish --cycle N",
        authority.name,
        authority.inn,
        authority.kpp,
        authority.ogrn,
        authority.reg_num,
        authority.sector.map_or("", |s| s.name_ru()),
        authority.region,
        made.methodology,
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Asks for one detail until it is given well; the end of input stops with nothing created.
fn ask(d: Detail) -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    loop {
        {
            let mut out = super::out::stdout();
            write!(out, "{} ({}): ", d.label(), d.example())?;
            out.flush()?;
        }
        let mut line = String::new();
        if input.read_line(&mut line)? == 0 {
            anyhow::bail!("ввод прерван: база не создана");
        }
        match d.check(&line) {
            Ok(v) => return Ok(v),
            Err(why) => {
                let mut out = super::out::stdout();
                writeln!(out, "  ✗ {why}. Введите еще раз.")?;
            }
        }
    }
}
