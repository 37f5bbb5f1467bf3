//! Command-line interface: the clap definitions and [`run`], which executes one command.
//!
//! Results go to stdout (a human table, or JSON with `--json`); progress and warnings go to stderr.

use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use crate::error::OpsError;
use crate::peek::{DEFAULT_HOLD_SECONDS, PeekOptions};
use crate::replay::ReplayRequest;
use crate::target::{Selection, Sqs};
use crate::{dlq, redrive, replay, status};

/// Operator tool for the HubSpot -> Partner Central sync queues (real AWS or a local emulator).
#[derive(Debug, Parser)]
#[command(name = "sync-ops", version)]
pub struct Cli {
    /// Queue selection and connection.
    #[command(flatten)]
    pub global: Global,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct Global {
    /// Environment: queues `<prefix>-events-<env>.fifo` and `<prefix>-events-dlq-<env>.fifo`.
    #[arg(long, global = true)]
    pub env: Option<String>,
    /// AWS region (default: the SDK chain, e.g. AWS_REGION or the profile).
    #[arg(long, global = true)]
    pub region: Option<String>,
    /// Resource name prefix (`naming.prefix` of the environment file).
    #[arg(long, global = true, default_value = crate::target::DEFAULT_PREFIX)]
    pub prefix: String,
    /// Source queue URL (overrides --env naming).
    #[arg(long, global = true)]
    pub queue_url: Option<String>,
    /// DLQ URL (default: the source queue's RedrivePolicy target, else the naming convention).
    #[arg(long, global = true)]
    pub dlq_url: Option<String>,
    /// SQS endpoint, e.g. a local moto (default: AWS_ENDPOINT_URL_SQS / AWS_ENDPOINT_URL / AWS).
    #[arg(long, global = true)]
    pub endpoint_url: Option<String>,
    /// Print results as JSON.
    #[arg(long, global = true)]
    pub json: bool,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Depth, in-flight and delayed counts of the queue and its DLQ, and the redrive policy.
    Status,
    /// Dead-letter queue inspection and redrive.
    #[command(subcommand)]
    Dlq(DlqCommand),
    /// Enqueue a synthetic deal-update event so the processor re-syncs one HubSpot deal.
    ReplayDeal {
        /// HubSpot portal (account) id.
        #[arg(long)]
        portal: u64,
        /// HubSpot deal id.
        #[arg(long)]
        deal: u64,
        /// Why (recorded in the event's correlation id; do not put personal data here).
        #[arg(long)]
        reason: Option<String>,
        /// Replay nonce ([A-Za-z0-9-], default random); reuse it to retry one replay idempotently.
        #[arg(long)]
        nonce: Option<String>,
    },
    /// Compare every in-scope HubSpot deal with its Partner Central opportunity (read-only).
    Reconcile(Box<crate::cli_migration::ReconcileArgs>),
    /// Enqueue synthetic deal events for every in-scope deal (or a filtered set), paced under the write quota.
    Backfill(Box<crate::cli_migration::BackfillArgs>),
    /// Shadow records of the processor's shadow mode (S3): list, show, replay.
    #[command(subcommand)]
    Shadow(crate::cli_migration::ShadowCommand),
}

/// `dlq` subcommands.
#[derive(Debug, Subcommand)]
pub enum DlqCommand {
    /// List DLQ messages (decoded, redacted) without consuming them.
    List {
        /// At most this many messages.
        #[arg(long, default_value_t = 10)]
        max: usize,
        /// Seconds the listed messages stay hidden before being released.
        #[arg(long, default_value_t = DEFAULT_HOLD_SECONDS)]
        hold_seconds: i32,
    },
    /// Show one DLQ message (decoded, redacted) without consuming it.
    Show {
        /// SQS message id.
        message_id: String,
        /// Scan at most this many messages looking for it.
        #[arg(long, default_value_t = 100)]
        max: usize,
        /// Seconds the scanned messages stay hidden before being released.
        #[arg(long, default_value_t = DEFAULT_HOLD_SECONDS)]
        hold_seconds: i32,
    },
    /// Move every DLQ message back to the source queue (StartMessageMoveTask) and follow the progress.
    Redrive {
        /// Messages per second (1-500; default: SQS chooses).
        #[arg(long)]
        rate: Option<i32>,
        /// Start the task and return.
        #[arg(long)]
        no_wait: bool,
        /// Seconds between progress polls.
        #[arg(long, default_value_t = 2)]
        poll_seconds: u64,
    },
}

impl Global {
    /// The queue selection.
    pub fn selection(&self) -> Selection {
        Selection {
            env: self.env.clone(),
            prefix: Some(self.prefix.clone()),
            queue_url: self.queue_url.clone(),
            dlq_url: self.dlq_url.clone(),
        }
    }
}

fn print_json<T: serde::Serialize>(v: &T) {
    match serde_json::to_string_pretty(v) {
        Ok(s) => println!("{s}"),
        Err(e) => eprintln!("warning: could not render JSON: {e}"),
    }
}

fn warn_releases(failures: &[String]) {
    for f in failures {
        eprintln!("warning: could not release {f} (visible again after the hold time)");
    }
}

/// Runs one command.
pub async fn run(cli: Cli) -> Result<(), OpsError> {
    let sqs = Sqs::connect(cli.global.region.clone(), cli.global.endpoint_url.clone()).await;
    let sel = cli.global.selection();
    let json = cli.global.json;
    match cli.command {
        Command::Status => {
            let s = status::status(&sqs, &sel).await?;
            if json {
                print_json(&s)
            } else {
                print!("{}", status::render(&s))
            }
        }
        Command::Dlq(DlqCommand::List { max, hold_seconds }) => {
            let opts = PeekOptions {
                max,
                hold_seconds,
                ..PeekOptions::default()
            };
            let mut progress = |n: usize| eprintln!("received {n} message(s)");
            let (messages, failures) = dlq::list(&sqs, &sel, &opts, &mut progress).await?;
            warn_releases(&failures);
            if json {
                print_json(&messages)
            } else {
                print!("{}", dlq::render_list(&messages))
            }
        }
        Command::Dlq(DlqCommand::Show {
            message_id,
            max,
            hold_seconds,
        }) => {
            let opts = PeekOptions {
                max,
                hold_seconds,
                ..PeekOptions::default()
            };
            let mut progress = |n: usize| eprintln!("scanned {n} message(s)");
            let (message, failures) = dlq::show(&sqs, &sel, &message_id, &opts, &mut progress).await?;
            warn_releases(&failures);
            if json {
                print_json(&message)
            } else {
                print!("{}", dlq::render_show(&message))
            }
        }
        Command::Dlq(DlqCommand::Redrive {
            rate,
            no_wait,
            poll_seconds,
        }) => {
            let started = redrive::start(&sqs, &sel, rate).await?;
            eprintln!(
                "started move task from {} to {} ({} message(s) visible in the DLQ)",
                started.source_arn, started.destination_arn, started.dlq_depth_at_start
            );
            if no_wait {
                if json {
                    print_json(&started)
                } else {
                    println!("task handle: {}", started.task_handle)
                }
                return Ok(());
            }
            let interval = Duration::from_secs(poll_seconds.max(1));
            let mut progress = |p: &redrive::Progress| eprintln!("{}", p.line());
            let done = redrive::wait(&sqs, &started.source_arn, interval, &mut progress).await?;
            if json {
                print_json(&done)
            } else {
                println!("{}", done.line())
            }
        }
        Command::Reconcile(args) => crate::cli_migration::reconcile(*args, cli.global.region.clone(), json).await?,
        Command::Backfill(args) => crate::cli_migration::backfill(*args, &sqs, &sel, json).await?,
        Command::Shadow(cmd) => {
            let (region, endpoint) = (cli.global.region.clone(), cli.global.endpoint_url.clone());
            crate::cli_migration::shadow(cmd, region, endpoint, &sqs, &sel, json).await?
        }
        Command::ReplayDeal {
            portal,
            deal,
            reason,
            nonce,
        } => {
            let req = ReplayRequest {
                portal_id: portal,
                deal_id: deal,
                reason,
                nonce,
                now_ms: chrono::Utc::now().timestamp_millis(),
            };
            let r = replay::replay_deal(&sqs, &sel, &req).await?;
            if json {
                print_json(&r)
            } else {
                println!("enqueued replay of deal {deal} (portal {portal})");
                println!("message id:  {}", r.message_id);
                println!("group id:    {}", r.group_id);
                println!("dedup id:    {}", r.deduplication_id);
                println!("nonce:       {}", r.nonce);
                println!("correlation: {}", r.correlation_id);
            }
        }
    }
    Ok(())
}
