//! Snapshot files on disk: `__snapshots__/<collection>/<environment>/<request>.snap.yaml`
//! beside the collection, pending changes beside them as `.snap.yaml.new`. Every write is
//! atomic (a temporary file, then a rename), so an interrupted run never leaves half a file.

use crate::files::write_atomic;
use std::path::{Path, PathBuf};

pub const EXT: &str = ".snap.yaml";
pub const PENDING_EXT: &str = ".snap.yaml.new";

/// The snapshot folder of one collection in one environment.
#[derive(Debug, Clone)]
pub struct SnapshotDir {
    pub dir: PathBuf,
}

impl SnapshotDir {
    /// `env` is the environment's name; without one, `default`.
    pub fn new(collection: &Path, env: Option<&str>) -> SnapshotDir {
        let base = collection.parent().unwrap_or(Path::new(""));
        let stem = collection
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "collection".into());
        let env = super::slug(env.unwrap_or("default"));
        SnapshotDir {
            dir: base.join("__snapshots__").join(stem).join(env),
        }
    }

    pub fn file(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}{EXT}"))
    }

    pub fn pending(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}{PENDING_EXT}"))
    }

    /// The stored text, if there is a snapshot.
    pub fn read(&self, key: &str) -> Option<std::io::Result<String>> {
        let path = self.file(key);
        if !path.exists() {
            return None;
        }
        Some(std::fs::read_to_string(path))
    }

    /// Whether the stored file holds exactly `text`, read in pieces: a large snapshot that has
    /// not changed is never held in memory twice. `None` when there is no stored file.
    pub fn holds(&self, key: &str, text: &str) -> Option<std::io::Result<bool>> {
        use std::io::Read;
        let mut file = match std::fs::File::open(self.file(key)) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
            Err(e) => return Some(Err(e)),
        };
        let mut rest = text.as_bytes();
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = match file.read(&mut buf) {
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Some(Err(e)),
            };
            if n == 0 {
                return Some(Ok(rest.is_empty()));
            }
            match rest.strip_prefix(&buf[..n]) {
                Some(r) => rest = r,
                None => return Some(Ok(false)),
            }
        }
    }

    pub fn write(&self, key: &str, text: &str) -> std::io::Result<()> {
        write_atomic(&self.file(key), text)?;
        self.remove_pending(key);
        Ok(())
    }

    pub fn write_pending(&self, key: &str, text: &str) -> std::io::Result<()> {
        write_atomic(&self.pending(key), text)
    }

    pub fn remove_pending(&self, key: &str) {
        let p = self.pending(key);
        if p.exists() {
            let _ = std::fs::remove_file(p);
        }
    }

    /// The keys of every stored snapshot.
    pub fn keys(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut keys: Vec<String> = entries
            .flatten()
            .filter_map(|e| {
                e.file_name()
                    .to_str()
                    .and_then(|n| n.strip_suffix(EXT))
                    .map(str::to_string)
            })
            .collect();
        keys.sort();
        keys
    }
}

/// Every pending snapshot below `root`, in name order.
pub fn pending_below(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    walk(root, &mut out);
    out.sort();
    out
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    if dir.is_file() {
        if dir.to_string_lossy().ends_with(PENDING_EXT) {
            out.push(dir.to_path_buf());
        }
        return;
    }
    let skip = |name: &str| matches!(name, "target" | ".git" | "node_modules");
    crate::load::walk_tree(dir, &skip, &mut |p| {
        if p.to_string_lossy().ends_with(PENDING_EXT) {
            out.push(p.to_path_buf());
        }
    });
}

/// Makes a pending snapshot the stored one; returns the stored file.
pub fn accept(pending: &Path) -> std::io::Result<PathBuf> {
    let target = accepted_path(pending);
    std::fs::rename(pending, &target)?;
    Ok(target)
}

/// Drops a pending snapshot.
pub fn reject(pending: &Path) -> std::io::Result<()> {
    std::fs::remove_file(pending)
}

/// The snapshot file a pending file would replace.
pub fn accepted_path(pending: &Path) -> PathBuf {
    let s = pending.to_string_lossy();
    PathBuf::from(s.strip_suffix(".new").unwrap_or(&s).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_compares_the_whole_file_across_pieces() {
        let tmp = tempfile::tempdir().expect("tmp");
        let dir = SnapshotDir {
            dir: tmp.path().to_path_buf(),
        };
        assert!(dir.holds("k", "x").is_none(), "no file, no answer");
        let big: String = (0..200_000).map(|i| format!("line {i}\n")).collect();
        dir.write("k", &big).expect("write");
        assert!(matches!(dir.holds("k", &big), Some(Ok(true))));
        let longer = format!("{big}more\n");
        assert!(matches!(dir.holds("k", &longer), Some(Ok(false))));
        assert!(matches!(
            dir.holds("k", &big[..big.len() - 1]),
            Some(Ok(false))
        ));
        let mut changed = big.clone().into_bytes();
        changed[100_000] = b'#';
        let changed = String::from_utf8(changed).expect("utf8");
        assert!(matches!(dir.holds("k", &changed), Some(Ok(false))));
    }
}
