//! `charter generate postgres [PATH]... --out DIR [--against REV] [--destructive]`: SQL
//! migrations of the metadata specs (`psql` attribute), one directory per service.

use super::generate::GenerateArgs;
use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use charter::dao::{self, sql, Plan, Table};
use charter::report;
use clap::Args;
use std::path::{Path, PathBuf};

/// Options of `generate postgres`, and `--dao` of `generate rust`.
#[derive(Debug, Args, Default)]
pub struct PostgresArgs {
    /// postgres: write only the next migration, from the specs at this git revision (read from git
    /// objects, as `diff --against` does) to the working tree.
    #[arg(long, value_name = "REV")]
    pub against: Option<String>,
    /// postgres, with --against: write destructive statements (drop table/column/index, column
    /// type changes) instead of comments.
    #[arg(long)]
    pub destructive: bool,
    /// rust: also generate typed sqlx DAOs (module `dao`) for specs with table metadata; the
    /// crate then enables charter-runtime's `dao` feature.
    #[arg(long)]
    pub dao: bool,
}

pub fn run(args: &GenerateArgs) -> i32 {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let options = charter::Options::default();
    let new = charter::check(&paths, &options);
    let Some((new_plan, new_ok)) = planned(&new) else {
        return if new.io_errors > 0 {
            EXIT_USAGE
        } else {
            EXIT_FINDINGS
        };
    };
    if !new_ok {
        return EXIT_FINDINGS;
    }
    let old = match &args.postgres.against {
        None => None,
        Some(rev) => {
            if paths.len() > 1 {
                eprintln!("error: with --against, give at most one path");
                return EXIT_USAGE;
            }
            let files = match charter::git::read_specs(rev, &paths[0]) {
                Ok(f) => f,
                Err(e) => {
                    eprintln!("error: {e}");
                    return EXIT_USAGE;
                }
            };
            let old = charter::check_sources(files, &options);
            match planned(&old) {
                Some((plan, true)) => Some((rev.clone(), old, plan)),
                _ => {
                    eprintln!("error: the specs at {rev} do not plan cleanly (above)");
                    return EXIT_FINDINGS;
                }
            }
        }
    };
    let mut written = 0;
    for sid in new_plan.services() {
        let service = new.repo.service(sid);
        let tables: Vec<&Table> = new_plan.for_service(sid).collect();
        let dir = args.out.join(&service.name);
        let (file, text) = match &old {
            None => (
                "0001_schema.sql".to_owned(),
                sql::schema(
                    &tables,
                    &format!("Schema of `{}` {}", service.name, service.version),
                ),
            ),
            Some((rev, old_checked, old_plan)) => {
                let old_tables: Vec<&Table> = old_checked
                    .repo
                    .service_ids()
                    .filter(|o| old_checked.repo.service(*o).name == service.name)
                    .flat_map(|o| old_plan.for_service(o))
                    .collect();
                let number = next_number(&dir);
                let text = sql::next_migration(
                    &old_tables,
                    &tables,
                    sql::MigrationOptions {
                        destructive: args.postgres.destructive,
                    },
                    &format!("`{}`: from {rev} to {}", service.name, service.version),
                );
                (format!("{number:04}_migration.sql"), text)
            }
        };
        if let Err(e) =
            std::fs::create_dir_all(&dir).and_then(|_| std::fs::write(dir.join(&file), &text))
        {
            eprintln!("error: {}: {e}", dir.display());
            return EXIT_USAGE;
        }
        eprintln!("wrote {}", dir.join(&file).display());
        written += 1;
    }
    if written == 0 {
        eprintln!("no metadata specs (a `psql` attribute on the service or a model) under the given paths");
    }
    EXIT_OK
}

/// The next free migration number in `dir` (`0002` after `0001_schema.sql`).
fn next_number(dir: &Path) -> u32 {
    let max = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.split('_').next()?.parse::<u32>().ok()
        })
        .max()
        .unwrap_or(1);
    max + 1
}

/// The plan of checked specs, after printing every diagnostic; `None` when the specs do not
/// validate, `Some((plan, false))` when the metadata has errors.
fn planned(checked: &charter::Checked) -> Option<(Plan, bool)> {
    if checked.has_errors() || checked.io_errors > 0 {
        eprint!(
            "{}",
            report::render_human(
                checked.diagnostics.as_slice(),
                &checked.sources,
                super::use_color()
            )
        );
        return None;
    }
    let (plan, diags) = dao::plan_checked(checked);
    if !diags.is_empty() {
        eprint!(
            "{}",
            report::render_human(diags.as_slice(), &checked.sources, super::use_color())
        );
    }
    Some((plan, !diags.has_errors()))
}
