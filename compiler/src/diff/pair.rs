//! The one pairing of old and new elements by stable key, used by every check: each old element is
//! removed or matched, each new element matched or added.
//!
//! A pairing runs [`Pass`]es in order over the elements still unpaired: [`Pass::First`] pairs each
//! old element with the first free new one its predicate accepts (keys such as names, a tie broken
//! by an earlier stricter pass); [`Pass::Unique`] pairs only when exactly one free element on each
//! side qualifies (renames by shape, moved operations, the last unmatched service). The pass that
//! paired an element is kept, so a check can tell a match by name from a rename or a move.

/// One pass of a pairing over indices `(old, new)`.
pub enum Pass<'a> {
    First(&'a dyn Fn(usize, usize) -> bool),
    Unique(&'a dyn Fn(usize, usize) -> bool),
}

/// One element of a pairing, in report order: old elements in their order (removed or matched),
/// then the added new ones in theirs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Paired {
    Removed(usize),
    /// Old index, new index, and the index of the pass that paired them.
    Matched(usize, usize, usize),
    Added(usize),
}

/// The result of [`pair`].
#[derive(Clone, Debug, Default)]
pub struct Pairing {
    /// For each old element: its new element and the pass that paired them.
    pub old: Vec<Option<(usize, usize)>>,
    /// For each new element: whether it was paired.
    pub new: Vec<bool>,
}

impl Pairing {
    /// Every element in report order.
    pub fn iter(&self) -> impl Iterator<Item = Paired> + '_ {
        let old = self.old.iter().enumerate().map(|(i, m)| match m {
            Some((j, pass)) => Paired::Matched(i, *j, *pass),
            None => Paired::Removed(i),
        });
        let added = self
            .new
            .iter()
            .enumerate()
            .filter(|(_, m)| !**m)
            .map(|(j, _)| Paired::Added(j));
        old.chain(added)
    }

    /// The new element paired with old element `i`.
    pub fn new_of(&self, i: usize) -> Option<usize> {
        self.old.get(i).copied().flatten().map(|(j, _)| j)
    }
}

/// Pairs `n_old` old elements with `n_new` new ones by the given passes.
pub fn pair(n_old: usize, n_new: usize, passes: &[Pass<'_>]) -> Pairing {
    let mut p = Pairing {
        old: vec![None; n_old],
        new: vec![false; n_new],
    };
    for (k, pass) in passes.iter().enumerate() {
        for i in 0..n_old {
            if p.old[i].is_some() {
                continue;
            }
            let found = match pass {
                Pass::First(f) => (0..n_new).find(|&j| !p.new[j] && f(i, j)),
                Pass::Unique(f) => {
                    let mut cands = (0..n_new).filter(|&j| !p.new[j] && f(i, j));
                    match (cands.next(), cands.next()) {
                        (Some(j), None) => {
                            let rivals = (0..n_old).filter(|&o| p.old[o].is_none() && f(o, j));
                            (rivals.count() == 1).then_some(j)
                        }
                        _ => None,
                    }
                }
            };
            if let Some(j) = found {
                p.old[i] = Some((j, k));
                p.new[j] = true;
            }
        }
    }
    p
}

/// Pairs two slices by one key.
pub fn by_key<O, N, K: PartialEq>(
    old: &[O],
    new: &[N],
    ko: impl Fn(&O) -> K,
    kn: impl Fn(&N) -> K,
) -> Pairing {
    let f = |i: usize, j: usize| ko(&old[i]) == kn(&new[j]);
    pair(old.len(), new.len(), &[Pass::First(&f)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removed_matched_added_in_order() {
        let p = by_key(&["a", "b", "c"], &["c", "d", "a"], |s| *s, |s| *s);
        let got: Vec<Paired> = p.iter().collect();
        assert_eq!(
            got,
            [
                Paired::Matched(0, 2, 0),
                Paired::Removed(1),
                Paired::Matched(2, 0, 0),
                Paired::Added(1)
            ]
        );
    }

    #[test]
    fn unique_pairs_only_unambiguous_elements() {
        let old = ["x1", "y1", "y2"];
        let new = ["x2", "y3", "y4"];
        let same_letter = |i: usize, j: usize| old[i][..1] == new[j][..1];
        let p = pair(3, 3, &[Pass::Unique(&same_letter)]);
        assert_eq!(p.new_of(0), Some(0));
        assert_eq!(p.new_of(1), None, "two candidates: not a rename");
        let exact = |i: usize, j: usize| old[i] == new[j];
        let p = pair(3, 3, &[Pass::First(&exact), Pass::Unique(&same_letter)]);
        assert_eq!(p.old[0], Some((0, 1)), "paired by the second pass");
    }
}
