//! Where personal data is stored: the [`Plan`] as the trace's [`StorageMap`] (table, columns and
//! journal table of every model that has a table).

use super::plan::Plan;
use super::sql;
use crate::ir::{Repo, TypeId};
use crate::trace::{StorageMap, Table};

impl StorageMap for Plan {
    fn table(&self, _repo: &Repo, model: TypeId) -> Option<Table> {
        let t = self.table_of(model)?;
        Some(Table {
            name: t.qualified(),
            columns: t
                .columns
                .iter()
                .map(|c| (c.name.clone(), c.name.clone()))
                .collect(),
            journal: Some(format!("{}.{}", sql::JOURNAL_SCHEMA, sql::journal_table(t))),
        })
    }
}
