//! The unknowns and equations an attacker writes down for a publication.
//!
//! Each distinct figure of the publication is one variable: a margin shared by several tables
//! through a dimension key is a single variable, and so is the grand total of tables linked by a
//! key. Every equation is homogeneous (a sum of figures minus the figure that is their total, or
//! the two sides of a [`Relation`] subtracted), so the true counts are one solution and any
//! multiple of them is another; `protect` relies on that.

use std::collections::{BTreeMap, BTreeSet};

use crate::{CellRef, LinkError, Position, Relation, RelationError};

/// The shape of one table and the keys of its margins.
pub(crate) struct TableShape<'a> {
    pub rows: usize,
    pub columns: usize,
    pub row_key: Option<&'a str>,
    pub column_key: Option<&'a str>,
}

/// The variable behind each figure of one table.
pub(crate) struct TableVars {
    cells: Vec<Vec<usize>>,
    rows: Vec<usize>,
    columns: Vec<usize>,
    total: usize,
}

impl TableVars {
    pub fn var(&self, position: Position) -> usize {
        match position {
            Position::Interior { row, column } => self.cells[row][column],
            Position::RowTotal(row) => self.rows[row],
            Position::ColumnTotal(column) => self.columns[column],
            Position::Total => self.total,
        }
    }

    pub fn positions(&self) -> impl Iterator<Item = Position> {
        Position::all(self.rows.len(), self.columns.len())
    }
}

/// A linear equation `Σ coefficient · variable = 0`. The sums of a table have coefficients ±1; a
/// relation naming a figure several times on one side has larger ones.
pub(crate) type Equation = Vec<(usize, i64)>;

/// Why a layout could not be built.
#[derive(Debug)]
pub(crate) enum BuildError {
    Link(LinkError),
    Relation(RelationError),
}

pub(crate) struct Layout {
    pub tables: Vec<TableVars>,
    pub var_count: usize,
    pub equations: Vec<Equation>,
    /// For each variable, the grand-total variable of its group of linked tables: the figure
    /// that bounds it from above.
    pub total_of: Vec<usize>,
    /// For each variable, its component: tables linked by keys or by relations, directly or
    /// through others, form one, named by its smallest table index. No equation mixes
    /// components, so the figures of one can be scaled without touching the others.
    pub component: Vec<usize>,
}

impl Layout {
    pub fn build<'a>(
        shapes: &[TableShape<'a>],
        relations: &[Relation],
    ) -> Result<Self, BuildError> {
        check_relations(shapes, relations).map_err(BuildError::Relation)?;
        let mut links = Links::new(shapes.len());
        let mut first_with_key: BTreeMap<&str, usize> = BTreeMap::new();
        for (table, shape) in shapes.iter().enumerate() {
            for key in [shape.row_key, shape.column_key].into_iter().flatten() {
                links.join(*first_with_key.entry(key).or_insert(table), table);
            }
        }
        // Keys make tables share their grand total; relations do not (a figure of one table
        // may equal a sum of another's without the tables counting the same people), so the
        // groups are read before relations join components.
        let groups = links.roots();
        for relation in relations {
            let mut tables = relation.left.iter().chain(&relation.right).map(|c| c.table);
            if let Some(first) = tables.next() {
                for table in tables {
                    links.join(first, table);
                }
            }
        }
        let components = links.roots();
        let mut next = 0usize;
        let mut fresh = || {
            next += 1;
            next - 1
        };
        // Which variables a key stands for, and the table that introduced it.
        let mut keyed: BTreeMap<&'a str, (Vec<usize>, usize)> = BTreeMap::new();
        let mut group_totals: BTreeMap<usize, usize> = BTreeMap::new();
        let mut tables = Vec::with_capacity(shapes.len());
        for (table, shape) in shapes.iter().enumerate() {
            let cells: Vec<Vec<usize>> = (0..shape.rows)
                .map(|_| (0..shape.columns).map(|_| fresh()).collect())
                .collect();
            let mut margin = |key: Option<&'a str>, len: usize| -> Result<Vec<usize>, BuildError> {
                let Some(key) = key else {
                    return Ok((0..len).map(|_| fresh()).collect());
                };
                if let Some((vars, first_table)) = keyed.get(key) {
                    if vars.len() != len {
                        return Err(BuildError::Link(LinkError::Length {
                            key: key.to_owned(),
                            first_table: *first_table,
                            table,
                            expected: vars.len(),
                            found: len,
                        }));
                    }
                    return Ok(vars.clone());
                }
                let vars: Vec<usize> = (0..len).map(|_| fresh()).collect();
                keyed.insert(key, (vars.clone(), table));
                Ok(vars)
            };
            let rows = margin(shape.row_key, shape.rows)?;
            let columns = margin(shape.column_key, shape.columns)?;
            let total = *group_totals.entry(groups[table]).or_insert_with(&mut fresh);
            tables.push(TableVars {
                cells,
                rows,
                columns,
                total,
            });
        }
        let var_count = next;

        let mut total_of = vec![0; var_count];
        let mut component = vec![0; var_count];
        // A set both orders the equations deterministically and drops the copies that two
        // tables sharing a margin the same way round would both contribute.
        let mut equations: BTreeSet<Equation> = BTreeSet::new();
        for (table, vars) in tables.iter().enumerate() {
            for position in vars.positions() {
                total_of[vars.var(position)] = vars.total;
                // A variable shared by several tables is shared through a key, so they are in
                // one component: whichever table writes last writes the same.
                component[vars.var(position)] = components[table];
            }
            for (row, cells) in vars.cells.iter().enumerate() {
                equations.insert(sum_equals(cells.iter().copied(), vars.rows[row]));
            }
            for (column, &column_var) in vars.columns.iter().enumerate() {
                let cells = vars.cells.iter().map(|cells| cells[column]);
                equations.insert(sum_equals(cells, column_var));
            }
            // The column totals adding up to the grand total follows from the equations above,
            // so it is left out: fewer redundant rows for the solver.
            equations.insert(sum_equals(vars.rows.iter().copied(), vars.total));
        }
        for relation in relations {
            let mut coefficients: BTreeMap<usize, i64> = BTreeMap::new();
            let sides = [(&relation.left, 1), (&relation.right, -1)];
            for (cells, sign) in sides {
                for cell in cells {
                    *coefficients
                        .entry(tables[cell.table].var(cell.position))
                        .or_default() += sign;
                }
            }
            // Terms that cancel (the same figure on both sides, or a margin shared by key
            // named once from each table) say nothing; a relation that cancels entirely is
            // always true.
            let equation: Equation = coefficients
                .into_iter()
                .filter(|&(_, coefficient)| coefficient != 0)
                .collect();
            if !equation.is_empty() {
                equations.insert(equation);
            }
        }
        Ok(Self {
            tables,
            var_count,
            equations: equations.into_iter().collect(),
            total_of,
            component,
        })
    }

    /// Every figure of the publication with its variable, table by table.
    pub fn occurrences(&self) -> impl Iterator<Item = (CellRef, usize)> + '_ {
        self.tables.iter().enumerate().flat_map(|(table, vars)| {
            vars.positions()
                .map(move |position| (CellRef { table, position }, vars.var(position)))
        })
    }

    /// Reads one value per variable, checking that every figure standing for the same variable
    /// shows the same value.
    pub fn gather<V: Copy + PartialEq>(
        &self,
        mut value: impl FnMut(CellRef) -> V,
    ) -> Result<Vec<V>, LinkError> {
        let mut seen: Vec<Option<(CellRef, V)>> = vec![None; self.var_count];
        for (cell, var) in self.occurrences() {
            let here = value(cell);
            match seen[var] {
                None => seen[var] = Some((cell, here)),
                Some((first, there)) if there != here => {
                    return Err(LinkError::Values {
                        first,
                        second: cell,
                    });
                }
                Some(_) => {}
            }
        }
        // Every variable belongs to at least one table, so each was seen.
        Ok(seen
            .into_iter()
            .map(|seen| seen.map(|(_, value)| value))
            .collect::<Option<Vec<V>>>()
            .expect("every variable has a figure"))
    }
}

/// `Σ parts − total = 0`, with its terms sorted so that equal equations compare equal.
fn sum_equals(parts: impl Iterator<Item = usize>, total: usize) -> Equation {
    let mut terms: Equation = parts.map(|var| (var, 1)).collect();
    terms.push((total, -1));
    terms.sort_unstable();
    terms
}

/// Checks that every figure a relation names exists.
fn check_relations(shapes: &[TableShape<'_>], relations: &[Relation]) -> Result<(), RelationError> {
    for (index, relation) in relations.iter().enumerate() {
        for &cell in relation.left.iter().chain(&relation.right) {
            let inside = shapes
                .get(cell.table)
                .is_some_and(|shape| match cell.position {
                    Position::Interior { row, column } => {
                        row < shape.rows && column < shape.columns
                    }
                    Position::RowTotal(row) => row < shape.rows,
                    Position::ColumnTotal(column) => column < shape.columns,
                    Position::Total => true,
                });
            if !inside {
                return Err(RelationError::Outside {
                    relation: index,
                    text: relation.to_string(),
                    cell,
                });
            }
        }
    }
    Ok(())
}

/// Which tables are linked, directly or through others (a union-find over table indices).
struct Links(Vec<usize>);

impl Links {
    fn new(tables: usize) -> Self {
        Self((0..tables).collect())
    }

    fn root(&mut self, mut table: usize) -> usize {
        while self.0[table] != table {
            self.0[table] = self.0[self.0[table]];
            table = self.0[table];
        }
        table
    }

    /// Links two tables; the smaller root stays, so every group is named by its smallest table.
    fn join(&mut self, a: usize, b: usize) {
        let (a, b) = (self.root(a), self.root(b));
        let (low, high) = (a.min(b), a.max(b));
        self.0[high] = low;
    }

    /// Each table's group, named by the smallest table index in it.
    fn roots(&mut self) -> Vec<usize> {
        (0..self.0.len()).map(|table| self.root(table)).collect()
    }
}
