//! The `collatz` command line: per-number statistics, trajectories, the predecessor tree,
//! summaries and verification of ranges.
//!
//! ```text
//! cargo install --path collatz-core --features cli      # installs `collatz`
//! collatz range 1 1e8 --records
//! collatz stats 27 --json
//! collatz sequence 2^100+1 --shortcut
//! collatz stats -17 --map 3x+1
//! collatz tree 20 --counts
//! ```
//!
//! Without installing: `cargo run --release -p collatz-core --features cli --bin collatz --
//! ...`; `cargo run -p collatz-core --example collatz -- ...` runs the same program (the example
//! includes this file). Start values may be written in digits or as expressions: `2^500+1`,
//! `3^300`, `1e9`. `--json` prints one object, in the shapes of `collatz_core::shape`. Errors
//! print one line on stderr and exit with status 1 (bad computation input) or 2 (bad command
//! line).

mod args;
mod range;
mod single;
mod span;
mod stored;

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command};

/// Runs the command line on the process's arguments.
pub fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        let msg = info.to_string().replace('\n', " ");
        eprintln!("error: internal error (please report): {msg}");
    }));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion)
                || e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            {
                let _ = e.print();
                return if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                    ExitCode::from(2)
                } else {
                    ExitCode::SUCCESS
                };
            }
            // clap's message is several lines (error, usage, hint): keep the error part, on one line
            let text = e.render().to_string();
            let message: Vec<&str> = text
                .lines()
                .take_while(|l| !l.is_empty() && !l.starts_with("Usage:"))
                .map(str::trim)
                .collect();
            eprintln!("{} (try --help)", message.join(" "));
            return ExitCode::from(2);
        }
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let result = run(cli.command, &mut out).and_then(|()| out.flush().map_err(Failure::from));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::BrokenPipe) => ExitCode::SUCCESS,
        Err(Failure::Message(m)) => {
            eprintln!("error: {m}");
            ExitCode::from(1)
        }
    }
}

/// Why a command stopped: a closed pipe (a quiet success: `collatz sequence ... | head`) or an
/// error, printed as one line.
enum Failure {
    BrokenPipe,
    Message(String),
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::BrokenPipe {
            Failure::BrokenPipe
        } else {
            Failure::Message(e.to_string())
        }
    }
}

impl From<collatz_core::Error> for Failure {
    fn from(e: collatz_core::Error) -> Self {
        Failure::Message(e.to_string())
    }
}

impl From<serde_json::Error> for Failure {
    fn from(e: serde_json::Error) -> Self {
        Failure::Message(e.to_string())
    }
}

fn run(command: Command, out: &mut impl Write) -> Result<(), Failure> {
    match command {
        Command::Stats {
            n,
            json,
            map: None,
            parity,
            max_steps,
            max_bits,
        } => single::stats(out, &n, json, parity, max_steps, max_bits),
        Command::Stats {
            n,
            json,
            map: Some(map),
            parity: _,
            max_steps,
            max_bits,
        } => single::map_run(out, &n, &map, json, max_steps, max_bits),
        Command::Sequence { n, shortcut } => single::sequence(out, &n, shortcut),
        Command::Tree {
            depth,
            counts,
            max_level_size,
        } => single::tree(out, depth, counts, max_level_size),
        Command::Range {
            span,
            records,
            histogram,
            chunk,
        } => range::summary(out, &span, records, histogram, chunk),
        Command::Verify { span } => range::verify(out, &span),
        Command::Runs { path, json } => stored::runs(out, &path, json),
    }
}
