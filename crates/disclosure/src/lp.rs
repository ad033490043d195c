//! The two linear programmes of the crate, solved with good_lp's pure-Rust microlp backend.
//!
//! - [`intervals`] is the attacker: for each hidden figure, its smallest and largest value over
//!   all tables that agree with the published figures and in which every hidden figure is at
//!   least 1 (zeros are always published, so a reader knows a hidden figure is not zero).
//!   [`exposed`] reaches the same verdict with fewer programmes when the true counts are at hand.
//! - [`complement`] is the protector: the cheapest way to let one hidden figure move by a given
//!   amount, which names the published figures that must be hidden to allow it.

use good_lp::solvers::microlp::microlp;
use good_lp::{Expression, ProblemVariables, ResolutionError, Solution, SolverModel, variable};

use crate::Interval;
use crate::layout::Layout;

#[derive(Debug)]
pub(crate) enum LpError {
    /// The published figures admit no completion with every hidden figure at least 1.
    Inconsistent,
    Solver(String),
}

/// Absorbs floating-point noise in solver output before rounding to whole counts. The bounds of
/// a table's programme are whole numbers (its matrix is totally unimodular and every bound is
/// whole); anything farther than this from one is genuinely fractional and is rounded inwards,
/// which is still a valid bound for whole counts. The part proportional to the value covers the spacing of floating-
/// point numbers, which exceeds 1e-6 above 2^33; it stays far below 1 up to `MAX_TOTAL`.
fn tolerance(value: f64) -> f64 {
    1e-6 + 64.0 * f64::EPSILON * value.abs()
}

/// One equation with the published figures moved to the constant: `Σ c·hidden + constant = 0`.
struct Reduced {
    terms: Vec<(usize, f64)>,
    constant: f64,
}

/// What the attacker solves: the hidden variables, numbered densely, and the equations with the
/// published figures substituted.
struct Attacker {
    /// The layout variable behind each hidden index.
    hidden: Vec<usize>,
    equations: Vec<Reduced>,
    /// Upper bound of each hidden index.
    upper: Vec<f64>,
}

impl Attacker {
    /// `known[var]` is the published value, `None` when hidden.
    fn new(layout: &Layout, known: &[Option<u64>]) -> Result<Self, LpError> {
        let hidden: Vec<usize> = (0..layout.var_count)
            .filter(|&var| known[var].is_none())
            .collect();
        let mut slot = vec![usize::MAX; layout.var_count];
        for (index, &var) in hidden.iter().enumerate() {
            slot[var] = index;
        }
        let mut equations = Vec::with_capacity(layout.equations.len());
        for equation in &layout.equations {
            let mut terms = Vec::new();
            let mut constant = 0i128;
            for &(var, coefficient) in equation {
                match known[var] {
                    Some(value) => constant += i128::from(coefficient) * i128::from(value),
                    // `as` is exact: a coefficient counts how often a relation names a figure,
                    // far below 2^53.
                    None => terms.push((slot[var], coefficient as f64)),
                }
            }
            if terms.is_empty() {
                // Published figures alone: they must add up, or nothing matches them.
                if constant != 0 {
                    return Err(LpError::Inconsistent);
                }
                continue;
            }
            // `as` is exact for the sums of a table (every figure is at most MAX_TOTAL, far
            // below 2^53); a relation with many terms may round, a negligible error next to
            // the solver's tolerance.
            equations.push(Reduced {
                terms,
                constant: constant as f64,
            });
        }
        // A published grand total bounds every figure of its tables; saying so explicitly keeps
        // each programme bounded where the equations already imply it. A hidden grand total
        // leaves a figure unbounded above unless other equations bound it.
        let upper: Vec<f64> = hidden
            .iter()
            .map(|&var| known[layout.total_of[var]].map_or(f64::INFINITY, |total| total as f64))
            .collect();
        // A hidden figure is at least 1, which a published grand total of 0 contradicts. The
        // check keeps an empty range (lower bound above upper) away from the solver.
        if upper.iter().any(|&upper| upper < 1.0) {
            return Err(LpError::Inconsistent);
        }
        Ok(Self {
            hidden,
            equations,
            upper,
        })
    }

    /// Optimises hidden index `target` and returns the optimal point (every hidden index), or
    /// `None` when the target can grow without limit.
    fn solve(&self, target: usize, direction: Direction) -> Result<Option<Vec<f64>>, LpError> {
        let mut problem = ProblemVariables::new();
        // Zeros are always published, so every hidden figure is at least 1. Without this bound
        // a row [1, 10 | 11] published as [hidden, hidden | 11] would look safe (each cell in
        // 0..=11), while a reader knows both are in 1..=10.
        let vars: Vec<_> = self
            .upper
            .iter()
            .map(|&upper| problem.add(variable().min(1.0).max(upper)))
            .collect();
        let objective = Expression::from(vars[target]);
        let unsolved = match direction {
            Direction::Minimise => problem.minimise(objective),
            Direction::Maximise => problem.maximise(objective),
        };
        let mut model = unsolved.using(microlp);
        for equation in &self.equations {
            let mut expression = Expression::with_capacity(equation.terms.len());
            for &(index, coefficient) in &equation.terms {
                expression.add_mul(coefficient, vars[index]);
            }
            model.add_constraint(expression.eq(-equation.constant));
        }
        match model.solve() {
            Ok(solution) => Ok(Some(vars.iter().map(|&var| solution.value(var)).collect())),
            Err(ResolutionError::Unbounded) => Ok(None),
            Err(ResolutionError::Infeasible) => Err(LpError::Inconsistent),
            Err(other) => Err(LpError::Solver(other.to_string())),
        }
    }

    fn minimum(&self, target: usize) -> Result<u64, LpError> {
        let point = self
            .solve(target, Direction::Minimise)?
            .ok_or_else(|| LpError::Solver("a count without a lower bound".to_owned()))?;
        Ok(round_up(point[target]))
    }
}

#[derive(Clone, Copy)]
enum Direction {
    Minimise,
    Maximise,
}

/// The smallest whole count at or above a solver's lower bound.
fn round_up(low: f64) -> u64 {
    (low - tolerance(low)).ceil().max(0.0) as u64
}

/// The largest whole count at or below a solver's upper bound.
fn round_down(high: f64) -> u64 {
    (high + tolerance(high)).floor().max(0.0) as u64
}

/// The attacker's interval for every variable that `known` leaves hidden (`None`), indexed by
/// variable; published variables get `None`.
pub(crate) fn intervals(
    layout: &Layout,
    known: &[Option<u64>],
) -> Result<Vec<Option<Interval>>, LpError> {
    let attacker = Attacker::new(layout, known)?;
    let mut result = vec![None; layout.var_count];
    for (index, &var) in attacker.hidden.iter().enumerate() {
        let min = attacker.minimum(index)?;
        let max = attacker
            .solve(index, Direction::Maximise)?
            .map(|point| round_down(point[index]).max(min));
        result[var] = Some(Interval { min, max });
    }
    Ok(result)
}

/// The hidden variables that the attacker exposes at threshold `k`, knowing the true counts.
///
/// Gives the same verdict as judging [`intervals`] by [`Interval::exposure`], with fewer
/// programmes. Every optimal point the solver returns is a table the attacker cannot rule out,
/// so it bounds every other hidden figure's interval too: a point where a figure is at least `k`
/// and above its true value shows that the figure's upper bound is at least `k` and exceeds its
/// lower bound; a point below the true value of a figure of at least `k` shows the same. Such a
/// figure is safe without a programme of its own. The rest are judged by their own maximum, and
/// their minimum when the maximum equals the true value.
pub(crate) fn exposed(
    layout: &Layout,
    known: &[Option<u64>],
    truth: &[u64],
    k: u64,
) -> Result<Vec<usize>, LpError> {
    let attacker = Attacker::new(layout, known)?;
    let count = attacker.hidden.len();
    let mut safe = vec![false; count];
    let settle = |point: &[f64], safe: &mut [bool]| {
        for (index, &value) in point.iter().enumerate() {
            let truth = truth[attacker.hidden[index]];
            let above = round_down(value) >= k.max(truth + 1);
            let below = truth >= k && round_up(value) < truth;
            safe[index] |= above || below;
        }
    };
    let mut exposed = Vec::new();
    for index in 0..count {
        if safe[index] {
            continue;
        }
        let Some(point) = attacker.solve(index, Direction::Maximise)? else {
            // Unbounded above: never below k, never determined.
            safe[index] = true;
            continue;
        };
        settle(&point, &mut safe);
        if safe[index] {
            continue;
        }
        let var = attacker.hidden[index];
        // Not settled: the maximum is below k, or it equals the true value (a maximum of at
        // least k above the true value would have settled it). Then only a smaller minimum helps.
        let max = round_down(point[index]);
        if max >= k && attacker.minimum(index)? < max {
            safe[index] = true;
            continue;
        }
        exposed.push(var);
    }
    Ok(exposed)
}

/// Finds published figures to hide so that hidden figure `target` can grow by `lift`.
///
/// The programme looks for a change `y` of the whole publication that keeps every equation
/// (`A·y = 0`: the sums of each table and the relations between tables), raises the target by
/// exactly `lift`, leaves zeros alone (they are published and stay so), and lowers no figure
/// below 1 (a hidden figure is at least 1 to a reader, so a change taking one to zero is one the
/// attacker rules out). Changing a published figure costs its value per unit of change,
/// changing an already hidden one is free; the figures the cheapest change touches are the
/// complements. Once they are hidden, `y` is a change the attacker cannot rule out, so the
/// target's upper bound is at least its value plus `lift`, and each complement can move too.
/// Because the relations are among the equations, a change moving a figure of one table moves
/// the figures of other tables tied to it, and those are hidden too.
///
/// `y` is split as `up − down`, each non-negative with `down` at most the figure's value less
/// 1, so all bounds are simple variable bounds and the matrix stays totally unimodular for a
/// table: the solver's vertex is a change by whole counts.
///
/// The programme is always feasible: the true counts scaled by `1 + lift / value` satisfy it
/// (every equation is homogeneous, and that change only raises figures).
pub(crate) fn complement(
    layout: &Layout,
    values: &[u64],
    hidden: &[bool],
    target: usize,
    lift: u64,
) -> Result<Complement, LpError> {
    let mut problem = ProblemVariables::new();
    let mut objective = Expression::with_capacity(2 * layout.var_count);
    // Zero figures have no variables: they cannot move.
    let mut moves = vec![None; layout.var_count];
    for var in 0..layout.var_count {
        let value = values[var];
        if value == 0 {
            continue;
        }
        let (up, down) = if var == target {
            (
                problem.add(variable().min(lift as f64).max(lift as f64)),
                problem.add(variable().min(0.0).max(0.0)),
            )
        } else {
            (
                problem.add(variable().min(0.0)),
                problem.add(variable().min(0.0).max((value - 1) as f64)),
            )
        };
        if !hidden[var] {
            objective.add_mul(value as f64, up);
            objective.add_mul(value as f64, down);
        }
        moves[var] = Some((up, down));
    }
    let mut model = problem.minimise(objective).using(microlp);
    for equation in &layout.equations {
        let mut expression = Expression::with_capacity(2 * equation.len());
        let mut any = false;
        for &(var, coefficient) in equation {
            if let Some((up, down)) = moves[var] {
                // `as` is exact, as in the attacker.
                let coefficient = coefficient as f64;
                expression.add_mul(coefficient, up);
                expression.add_mul(-coefficient, down);
                any = true;
            }
        }
        if any {
            model.add_constraint(expression.eq(0.0));
        }
    }
    let solution = model.solve().map_err(|error| match error {
        ResolutionError::Infeasible => LpError::Inconsistent,
        other => LpError::Solver(other.to_string()),
    })?;
    let change: Vec<f64> = moves
        .iter()
        .map(|moves| moves.map_or(0.0, |(up, down)| solution.value(up) - solution.value(down)))
        .collect();
    let hide = (0..layout.var_count)
        .filter(|&var| !hidden[var] && change[var].abs() > tolerance(0.0))
        .collect();
    Ok(Complement { hide, change })
}

/// The outcome of [`complement`].
pub(crate) struct Complement {
    /// The published variables to hide, in increasing order.
    pub hide: Vec<usize>,
    /// The change `y` found, per variable. Once `hide` is hidden, the truth plus `y` is a table
    /// the attacker cannot rule out, and stays so whatever else is hidden later.
    pub change: Vec<f64>,
}
