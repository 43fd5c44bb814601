//! The result store (feature `store`): a run of `range` or `verify` cut into the pieces of its
//! plan, each piece's result written to an SQLite file in its own transaction, so that a run
//! stopped at any moment (a crash, SIGKILL, a reboot) resumes with nothing lost or counted
//! twice, and ends with exactly the result of an uninterrupted run.
//!
//! When it runs: [`Store::open`] once per run, then [`run::summary`] or [`run::verify`] (see
//! `run.rs`), which skip the pieces already in the store. The file is SQLite (bundled with the
//! crate), in WAL mode: a piece is recorded when its transaction commits, and a process killed
//! mid-write leaves the last committed state. A file that is not a store of this library, or a
//! corrupted one, is refused before anything is written to it.
//!
//! Schema (version 1): `run` (one row per run: command, range, fields, chunk, plan size,
//! library version) and `piece` (run, index, bounds, the result as the JSON of
//! `collatz_core::shape`, seconds).
//!
//! ```
//! use collatz_core::range::{RangeEngine, RunOptions, Want};
//! use collatz_core::store::{run, Store};
//!
//! let path = std::env::temp_dir().join(format!("doc-store-{}.db", std::process::id()));
//! let engine = RangeEngine::new();
//! let mut store = Store::open(&path)?;
//! let done = run::summary(&engine, &mut store, 1..1_000_000, Want::default(), 100_000,
//!                         &RunOptions::default())?;
//! assert_eq!(done.value.total_stopping_time.unwrap().sum, 131_434_272);
//! assert_eq!(done.resumed, 0);
//! // the same run again: every piece comes from the store
//! let again = run::summary(&engine, &mut store, 1..1_000_000, Want::default(), 100_000,
//!                          &RunOptions::default())?;
//! assert_eq!((again.value, again.resumed), (done.value, done.pieces));
//! assert_eq!(store.runs()?[0].done, done.pieces);
//! # drop(store); std::fs::remove_file(&path).ok();
//! # Ok::<(), collatz_core::Error>(())
//! ```

pub mod run;

use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OpenFlags, OptionalExtension};

use crate::error::{Error, Result};

/// The SQLite `application_id` of a store: "CLTZ".
const APPLICATION_ID: i32 = 0x434c_545a;

/// The schema's version (`user_version`).
const SCHEMA_VERSION: i32 = 1;

const SCHEMA: &str = "
CREATE TABLE run (
    id       INTEGER PRIMARY KEY,
    command  TEXT NOT NULL,
    start    TEXT NOT NULL,
    end      TEXT NOT NULL,
    fields   TEXT NOT NULL,
    chunk    TEXT NOT NULL,
    pieces   INTEGER NOT NULL,
    version  TEXT NOT NULL,
    created  TEXT NOT NULL DEFAULT (datetime('now'))
);
CREATE TABLE piece (
    run      INTEGER NOT NULL REFERENCES run (id),
    idx      INTEGER NOT NULL,
    start    TEXT NOT NULL,
    end      TEXT NOT NULL,
    result   TEXT NOT NULL,
    seconds  REAL NOT NULL,
    PRIMARY KEY (run, idx)
);
";

/// An open result store.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

/// A run recorded in a store, with its progress.
#[derive(Debug, Clone, PartialEq)]
pub struct RunInfo {
    /// The run's identity: command, range, fields, chunk and library version.
    pub spec: RunSpec,
    /// Pieces in its plan.
    pub pieces: usize,
    /// Pieces recorded.
    pub done: usize,
    /// Start values in the recorded pieces.
    pub done_count: u64,
    /// Seconds the recorded pieces took.
    pub seconds: f64,
    /// When the run was first started (UTC, `YYYY-MM-DD HH:MM:SS`).
    pub created: String,
}

/// What identifies a run: the same spec resumes it, another is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunSpec {
    /// `range` or `verify`.
    pub command: String,
    /// The range's first start value.
    pub start: u64,
    /// The range's end (excluded).
    pub end: u64,
    /// The statistics, comma-separated (`-` for a verification).
    pub fields: String,
    /// The plan's chunk length.
    pub chunk: u64,
    /// The library version that made the plan.
    pub version: String,
}

impl RunSpec {
    /// The spec of `command` (`range` or `verify`) over `range` with `fields` (names joined by
    /// commas, `-` for a verification) and the plan's `chunk`, in this library's version.
    pub fn new(command: &str, range: &std::ops::Range<u64>, fields: &str, chunk: u64) -> RunSpec {
        RunSpec {
            command: command.into(),
            start: range.start,
            end: range.end,
            fields: fields.into(),
            chunk,
            version: env!("CARGO_PKG_VERSION").into(),
        }
    }
}

impl std::fmt::Display for RunSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} {} (fields {}; chunk {}; collatz-core {})",
            self.command, self.start, self.end, self.fields, self.chunk, self.version
        )
    }
}

impl Store {
    /// Opens the store at `path`, creating it if there is no file there (or an empty one).
    /// `Error::Store` for a file that is not a store of this library (foreign, corrupted, or
    /// of a newer schema), which is left untouched.
    pub fn open(path: impl AsRef<Path>) -> Result<Store> {
        let path = path.as_ref().to_path_buf();
        let fail = |reason: String| Error::Store {
            path: path.display().to_string(),
            reason,
        };
        let db = |e: rusqlite::Error| fail(e.to_string());
        let fresh = std::fs::metadata(&path).map_or(true, |m| m.len() == 0);
        let conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(db)?;
        // read before anything is written: a foreign or corrupted file stays as it is
        let (app, version): (i32, i32) = conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .and_then(|a| {
                conn.query_row("PRAGMA user_version", [], |r| r.get(0))
                    .map(|v| (a, v))
            })
            .map_err(|e| fail(format!("not a result store ({e})")))?;
        let tables: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .map_err(|e| fail(format!("not a result store ({e})")))?;
        if fresh && app == 0 && tables == 0 {
            conn.execute_batch(&format!(
                "PRAGMA journal_mode = WAL;
                 BEGIN;
                 PRAGMA application_id = {APPLICATION_ID};
                 PRAGMA user_version = {SCHEMA_VERSION};
                 {SCHEMA}
                 COMMIT;"
            ))
            .map_err(db)?;
        } else if app != APPLICATION_ID {
            return Err(fail(
                "not a result store of collatz (another program's database); it was left as it is"
                    .into(),
            ));
        } else if version != SCHEMA_VERSION {
            return Err(fail(format!(
                "a store of schema version {version}; this library reads version {SCHEMA_VERSION}"
            )));
        } else {
            let check: String = conn
                .query_row("PRAGMA quick_check", [], |r| r.get(0))
                .map_err(|e| fail(format!("corrupted ({e}); it was left as it is")))?;
            if check != "ok" {
                return Err(fail(format!("corrupted ({check}); it was left as it is")));
            }
            conn.execute_batch("PRAGMA journal_mode = WAL;")
                .map_err(db)?;
        }
        // a committed piece survives the process; a power cut may lose the last few
        conn.execute_batch("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;")
            .map_err(db)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(db)?;
        Ok(Store { conn, path })
    }

    /// Opens the store at `path`, which must exist: `Error::Store` for a missing or empty
    /// file (nothing is created), as for a foreign one.
    pub fn open_existing(path: impl AsRef<Path>) -> Result<Store> {
        let path = path.as_ref();
        match std::fs::metadata(path) {
            Ok(m) if m.len() > 0 => Store::open(path),
            Ok(_) => Err(Error::Store {
                path: path.display().to_string(),
                reason: "an empty file, not a result store".into(),
            }),
            Err(e) => Err(Error::Store {
                path: path.display().to_string(),
                reason: format!("no result store there ({e})"),
            }),
        }
    }

    /// The store's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn fail(&self, e: impl std::fmt::Display) -> Error {
        Error::Store {
            path: self.path.display().to_string(),
            reason: e.to_string(),
        }
    }

    /// Every run in the store with its progress, oldest first.
    pub fn runs(&self) -> Result<Vec<RunInfo>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT r.command, r.start, r.end, r.fields, r.chunk, r.version, r.pieces,
                        r.created, count(p.idx), coalesce(sum(p.seconds), 0),
                        group_concat(p.start || ':' || p.end)
                 FROM run r LEFT JOIN piece p ON p.run = r.id
                 GROUP BY r.id ORDER BY r.id",
            )
            .map_err(|e| self.fail(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    (
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, String>(5)?,
                    ),
                    r.get::<_, i64>(6)?,
                    r.get::<_, String>(7)?,
                    r.get::<_, i64>(8)?,
                    r.get::<_, f64>(9)?,
                    r.get::<_, Option<String>>(10)?,
                ))
            })
            .map_err(|e| self.fail(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (
                (command, start, end, fields, chunk, version),
                pieces,
                created,
                done,
                seconds,
                spans,
            ) = row.map_err(|e| self.fail(e))?;
            let spec = RunSpec {
                command,
                start: self.number(&start)?,
                end: self.number(&end)?,
                fields,
                chunk: self.number(&chunk)?,
                version,
            };
            let mut done_count = 0u64;
            for span in spans.iter().flat_map(|s| s.split(',')) {
                if let Some((a, b)) = span.split_once(':') {
                    done_count += self.number(b)? - self.number(a)?;
                }
            }
            out.push(RunInfo {
                spec,
                pieces: pieces as usize,
                done: done as usize,
                done_count,
                seconds,
                created,
            });
        }
        Ok(out)
    }

    fn number(&self, s: &str) -> Result<u64> {
        s.parse()
            .map_err(|_| self.fail(format!("a bound {s:?} that is not a number: corrupted")))
    }

    /// The id of the run of `spec` (created with `pieces` pieces if the store holds no run),
    /// and its recorded pieces' results (index → JSON in the shapes of `collatz_core::shape`),
    /// for a driver of its own (a cluster's client; [`run`] drives the common cases).
    /// `Error::StoreMismatch` if the store holds a run of another spec: nothing is written then.
    pub fn begin(&mut self, spec: &RunSpec, pieces: usize) -> Result<(i64, Vec<(usize, String)>)> {
        let existing = self.runs()?;
        if let Some(other) = existing.iter().find(|r| r.spec != *spec) {
            return Err(Error::StoreMismatch {
                path: self.path.display().to_string(),
                stored: other.spec.to_string(),
                given: spec.to_string(),
            });
        }
        let id: Option<i64> = self
            .conn
            .query_row("SELECT id FROM run ORDER BY id LIMIT 1", [], |r| r.get(0))
            .optional()
            .map_err(|e| self.fail(e))?;
        let id = match id {
            Some(id) => {
                let stored: i64 = self
                    .conn
                    .query_row("SELECT pieces FROM run WHERE id = ?1", [id], |r| r.get(0))
                    .map_err(|e| self.fail(e))?;
                if stored as usize != pieces {
                    return Err(self.fail(format!(
                        "the run's plan has {stored} pieces, this library's {pieces}: corrupted"
                    )));
                }
                id
            }
            None => {
                self.conn
                    .execute(
                        "INSERT INTO run (command, start, end, fields, chunk, pieces, version)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                        params![
                            spec.command,
                            spec.start.to_string(),
                            spec.end.to_string(),
                            spec.fields,
                            spec.chunk.to_string(),
                            pieces as i64,
                            spec.version
                        ],
                    )
                    .map_err(|e| self.fail(e))?;
                self.conn.last_insert_rowid()
            }
        };
        let mut stmt = self
            .conn
            .prepare("SELECT idx, result FROM piece WHERE run = ?1 ORDER BY idx")
            .map_err(|e| self.fail(e))?;
        let done = stmt
            .query_map([id], |r| Ok((r.get::<_, i64>(0)? as usize, r.get(1)?)))
            .map_err(|e| self.fail(e))?
            .collect::<rusqlite::Result<Vec<(usize, String)>>>()
            .map_err(|e| self.fail(e))?;
        Ok((id, done))
    }

    /// The id of the store's run (`Error::Store` if it holds none yet: call
    /// [`Store::begin`] first).
    pub fn run_id(&self) -> Result<i64> {
        self.conn
            .query_row("SELECT id FROM run ORDER BY id LIMIT 1", [], |r| r.get(0))
            .optional()
            .map_err(|e| self.fail(e))?
            .ok_or_else(|| self.fail("it holds no run yet: begin one first"))
    }

    /// Records piece `index` of run `run` (its bounds, its result as JSON, the seconds it took)
    /// in its own transaction.
    pub fn record(
        &mut self,
        run: i64,
        index: usize,
        bounds: (u64, u64),
        result: &str,
        seconds: f64,
    ) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO piece (run, idx, start, end, result, seconds)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    run,
                    index as i64,
                    bounds.0.to_string(),
                    bounds.1.to_string(),
                    result,
                    seconds
                ],
            )
            .map_err(|e| self.fail(e))?;
        Ok(())
    }
}
