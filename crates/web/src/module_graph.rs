//! A guard on the shape of this crate: its modules import each other without circles, and the
//! kit imports no feature. Read from the sources, so a new `use` that closes a circle fails here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The module a source file is (`kit::auth`, `cases`, `cases::api`), from its path under `src`.
fn module_of(relative: &Path) -> String {
    let mut parts: Vec<String> = relative
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts.join("::")
}

/// The paths a `use` tree names after its prefix: `a::b` is one path, `a::{b, c::d}` two.
fn use_tree(text: &str) -> Vec<Vec<String>> {
    let mut head = Vec::new();
    let mut rest = text;
    loop {
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        rest = &rest[name.len()..];
        if !name.is_empty() {
            head.push(name);
        }
        if let Some(after) = rest.strip_prefix("::") {
            rest = after;
            if let Some(group) = rest.strip_prefix('{') {
                // The group up to its closing brace, split at its own commas.
                let mut depth = 1;
                let mut end = group.len();
                for (i, c) in group.char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = i;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                let inner = &group[..end];
                let mut items = Vec::new();
                let (mut depth, mut start) = (0, 0);
                for (i, c) in inner.char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' => depth -= 1,
                        ',' if depth == 0 => {
                            items.push(&inner[start..i]);
                            start = i + 1;
                        }
                        _ => {}
                    }
                }
                items.push(&inner[start..]);
                return items
                    .into_iter()
                    .flat_map(|item| use_tree(item.trim()))
                    .map(|tail| head.iter().cloned().chain(tail).collect())
                    .collect();
            }
            continue;
        }
        return vec![head];
    }
}

/// Every module of `known` a file of module `module` names through `crate::` or `super::`, as
/// the longest module each path lies in.
fn imports(module: &str, source: &str, known: &BTreeSet<String>) -> BTreeSet<String> {
    let parent: Vec<String> = {
        let mut parts: Vec<String> = module.split("::").map(str::to_string).collect();
        parts.pop();
        parts
    };
    let mut found = BTreeSet::new();
    for (prefix, base) in [("crate::", Vec::new()), ("super::", parent)] {
        for (start, _) in source.match_indices(prefix) {
            // `crate::` inside a longer name (`$crate::`) is a macro path of another crate.
            if source[..start]
                .ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$')
            {
                continue;
            }
            for tail in use_tree(&source[start + prefix.len()..]) {
                let segments: Vec<String> = base.iter().cloned().chain(tail).collect();
                for len in (1..=segments.len()).rev() {
                    let candidate = segments[..len].join("::");
                    if known.contains(&candidate) {
                        found.insert(candidate);
                        break;
                    }
                }
            }
        }
    }
    found
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    let mut pending = vec![root.clone()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("source folder") {
            let path = entry.expect("source entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    let modules: BTreeMap<String, String> = files
        .iter()
        .map(|f| {
            let relative = f.strip_prefix(&root).expect("under src");
            (
                module_of(relative),
                std::fs::read_to_string(f).expect("source text"),
            )
        })
        .filter(|(m, _)| m != "lib" && m != "module_graph")
        .collect();
    let known: BTreeSet<String> = modules.keys().cloned().collect();
    modules
        .iter()
        .map(|(m, source)| {
            let mut uses = imports(m, source, &known);
            uses.remove(m);
            // A module may use its own submodules and its parent's items: that is nesting, not
            // a circle between features.
            uses.retain(|u| !u.starts_with(&format!("{m}::")) && !m.starts_with(&format!("{u}::")));
            (m.clone(), uses)
        })
        .collect()
}

/// A circle through `graph`, if there is one, as the modules along it.
fn find_circle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == node) {
            let mut circle = path[at..].to_vec();
            circle.push(node.to_string());
            return Some(circle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(circle) = visit(next, graph, path, done) {
                return Some(circle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|start| visit(start, graph, &mut Vec::new(), &mut done))
}

#[test]
fn the_modules_of_the_web_crate_import_each_other_without_circles() {
    let graph = graph();
    assert!(graph.contains_key("kit::form") && graph.contains_key("cases::api"));
    if let Some(circle) = find_circle(&graph) {
        panic!("import circle: {}", circle.join(" → "));
    }
}

#[test]
fn the_kit_imports_no_feature() {
    for (module, uses) in graph() {
        if module.starts_with("kit") {
            let features: Vec<&String> = uses.iter().filter(|u| !u.starts_with("kit")).collect();
            assert!(features.is_empty(), "{module} imports {features:?}");
        }
    }
}

#[test]
fn grouped_and_relative_imports_are_read() {
    let known: BTreeSet<String> = ["kit::form", "kit::auth", "cases", "cases::api"]
        .into_iter()
        .map(String::from)
        .collect();
    let source = "use crate::kit::{auth::Viewer, form::{render, who}};\nuse super::api::X;";
    assert_eq!(
        imports("cases::thing", source, &known),
        ["cases::api", "kit::auth", "kit::form"]
            .into_iter()
            .map(String::from)
            .collect()
    );
}

#[test]
fn the_circle_finder_finds_a_circle() {
    let mut graph = BTreeMap::new();
    graph.insert("a".to_string(), BTreeSet::from(["b".to_string()]));
    graph.insert("b".to_string(), BTreeSet::from(["c".to_string()]));
    graph.insert("c".to_string(), BTreeSet::from(["a".to_string()]));
    assert_eq!(
        find_circle(&graph),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    graph.insert("c".to_string(), BTreeSet::new());
    assert_eq!(find_circle(&graph), None);
}
