//! `userbridge`: the core's validation, translation, field metadata and JSON Schema on files,
//! for pipelines. JSON on stdout; exit status 0 = valid, 1 = invalid input, 2 = usage or I/O error.

use clap::{Parser, Subcommand, ValueEnum};
use serde::Serialize;
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;
use userbridge_core::{BodyFormat, Dialect, Op, Report};

#[derive(Parser)]
#[command(name = "userbridge", version, about = "Validate and translate user-API bodies across five dialects")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate a body: every error with its JSON pointer, code and params.
    Validate {
        #[arg(long)]
        dialect: DialectArg,
        #[arg(long)]
        op: OpArg,
        /// Syntax of the input (`xml` for publisher bodies).
        #[arg(long, default_value = "json")]
        format: FormatArg,
        /// Input file; `-` or nothing reads standard input.
        file: Option<PathBuf>,
    },
    /// Translate a body to another dialect, listing what the target cannot hold.
    Translate {
        #[arg(long)]
        from: DialectArg,
        #[arg(long)]
        to: DialectArg,
        #[arg(long)]
        op: OpArg,
        #[arg(long, default_value = "json")]
        format: FormatArg,
        file: Option<PathBuf>,
    },
    /// Print the JSON Schema (draft 2020-12) of a dialect's body.
    Schema {
        #[arg(long)]
        dialect: DialectArg,
        #[arg(long)]
        op: OpArg,
    },
    /// Print the field metadata (pointer, type, required, limits, allowed values, label).
    Fields {
        #[arg(long)]
        dialect: DialectArg,
        #[arg(long)]
        op: OpArg,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum DialectArg {
    Learningcloud,
    Publisher,
    Primavera,
    Devicehive,
    Scim,
}

impl From<DialectArg> for Dialect {
    fn from(d: DialectArg) -> Dialect {
        match d {
            DialectArg::Learningcloud => Dialect::LearningCloud,
            DialectArg::Publisher => Dialect::Publisher,
            DialectArg::Primavera => Dialect::Primavera,
            DialectArg::Devicehive => Dialect::DeviceHive,
            DialectArg::Scim => Dialect::Scim,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum OpArg {
    Create,
    Update,
}

impl From<OpArg> for Op {
    fn from(o: OpArg) -> Op {
        match o {
            OpArg::Create => Op::Create,
            OpArg::Update => Op::Update,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Json,
    Xml,
}

impl From<FormatArg> for BodyFormat {
    fn from(f: FormatArg) -> BodyFormat {
        match f {
            FormatArg::Json => BodyFormat::Json,
            FormatArg::Xml => BodyFormat::Xml,
        }
    }
}

/// What `validate` prints: the report plus a boolean a shell script can test with `jq`.
#[derive(Serialize)]
struct ValidateOutput<'a> {
    valid: bool,
    #[serde(flatten)]
    report: &'a Report,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("userbridge: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(command: Command) -> Result<ExitCode, String> {
    match command {
        Command::Validate { dialect, op, format, file } => {
            let body = read_input(file.as_ref())?;
            let report = userbridge_core::validate_str(dialect.into(), op.into(), &body, format.into());
            print_json(&ValidateOutput { valid: report.is_valid(), report: &report })?;
            Ok(status(report.is_valid()))
        }
        Command::Translate { from, to, op, format, file } => {
            let (from, to, op) = (Dialect::from(from), Dialect::from(to), Op::from(op));
            let body = read_input(file.as_ref())?;
            let parsed = from.spec().parse(op, &body, format.into());
            match parsed.and_then(|value| userbridge_core::translate(from, to, op, &value)) {
                Ok(translation) => {
                    print_json(&translation)?;
                    Ok(ExitCode::SUCCESS)
                }
                Err(report) => {
                    print_json(&ValidateOutput { valid: false, report: &report })?;
                    Ok(status(false))
                }
            }
        }
        Command::Schema { dialect, op } => {
            print_json(&userbridge_core::schema(dialect.into(), op.into()))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Fields { dialect, op } => {
            print_json(&userbridge_core::fields(dialect.into(), op.into()))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn status(valid: bool) -> ExitCode {
    if valid { ExitCode::SUCCESS } else { ExitCode::from(1) }
}

fn read_input(file: Option<&PathBuf>) -> Result<String, String> {
    match file {
        Some(path) if path.as_os_str() != "-" => {
            std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
        }
        _ => {
            let mut s = String::new();
            std::io::stdin().read_to_string(&mut s).map_err(|e| format!("cannot read standard input: {e}"))?;
            Ok(s)
        }
    }
}

fn print_json<T: Serialize>(value: &T) -> Result<(), String> {
    let text = serde_json::to_string_pretty(value).map_err(|e| format!("cannot write JSON: {e}"))?;
    println!("{text}");
    Ok(())
}
