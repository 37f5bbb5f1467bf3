//! Command-line parts of the migration commands (`reconcile`, `backfill`, `shadow`): their clap arguments, the
//! HubSpot / Partner Central connections they need, and their execution. Results on stdout, progress on stderr.
//!
//! Connections: HubSpot token from `HUBSPOT_ACCESS_TOKEN` (or `--hubspot-token-file`), base URL `--hubspot-url` /
//! `HUBSPOT_API_BASE_URL`; Partner Central catalog `--catalog` / `PARTNER_CENTRAL_CATALOG`, optional role
//! `PARTNER_CENTRAL_ROLE_ARN` (+ `PARTNER_CENTRAL_EXTERNAL_ID`), endpoint `--partner-central-url` /
//! `AWS_ENDPOINT_URL_PARTNERCENTRAL_SELLING`.

use std::sync::Arc;

use clap::Args;
use hubspot::{ClientConfig, HubSpotClient};
use partner_central::{PartnerCentral, PartnerCentralConfig};

use crate::backfill::{Filter, Plan};
use crate::error::OpsError;
use crate::quota::{PC_READS_PER_DAY, PC_READS_PER_SECOND, Pacer};
use crate::reconcile::{self, Depth, Pacers};
use crate::target::{Selection, Sqs};

/// Where the sync settings come from.
#[derive(Debug, Clone, Args)]
pub struct SettingsArgs {
    /// SYNC_SETTINGS-shaped JSON file (default: the SYNC_SETTINGS variable; absent = defaults).
    #[arg(long)]
    pub settings: Option<String>,
    /// Environment file whose `sync` section holds the settings (e.g. stacks/production.yaml).
    #[arg(long)]
    pub env_file: Option<String>,
}

/// HubSpot connection.
#[derive(Debug, Clone, Args)]
pub struct HubSpotArgs {
    /// HubSpot API base URL (default HUBSPOT_API_BASE_URL, else https://api.hubapi.com).
    #[arg(long)]
    pub hubspot_url: Option<String>,
    /// File holding the private-app token (default: the HUBSPOT_ACCESS_TOKEN variable).
    #[arg(long)]
    pub hubspot_token_file: Option<String>,
    /// HubSpot requests per second other than search (private apps: 100-190 per 10 s).
    #[arg(long, default_value_t = 8.0)]
    pub hubspot_rate: f64,
}

impl HubSpotArgs {
    /// The client.
    pub fn client(&self) -> Result<HubSpotClient, OpsError> {
        let token = match &self.hubspot_token_file {
            Some(path) => std::fs::read_to_string(path)
                .map_err(|e| OpsError::File {
                    action: "read",
                    path: path.clone(),
                    message: e.to_string(),
                })?
                .trim()
                .to_owned(),
            None => std::env::var("HUBSPOT_ACCESS_TOKEN").unwrap_or_default(),
        };
        if token.is_empty() {
            return Err(OpsError::InvalidArgument {
                argument: "--hubspot-token-file",
                reason: "set HUBSPOT_ACCESS_TOKEN or give --hubspot-token-file".into(),
            });
        }
        let mut cfg = ClientConfig::new(token).with_base_url_from_env();
        if let Some(url) = &self.hubspot_url {
            cfg = cfg.with_base_url(url.clone());
        }
        HubSpotClient::new(cfg).map_err(|e| OpsError::Remote {
            service: "HubSpot",
            operation: "client".into(),
            message: e.to_string(),
        })
    }
}

/// Partner Central connection and read quota.
#[derive(Debug, Clone, Args)]
pub struct PartnerCentralArgs {
    /// Catalog: AWS or Sandbox (default PARTNER_CENTRAL_CATALOG).
    #[arg(long)]
    pub catalog: Option<String>,
    /// Partner Central endpoint (local servers; default: AWS_ENDPOINT_URL_PARTNERCENTRAL_SELLING or AWS).
    #[arg(long)]
    pub partner_central_url: Option<String>,
    /// Partner Central reads per second (quota 10/s).
    #[arg(long, default_value_t = PC_READS_PER_SECOND)]
    pub read_rate: f64,
    /// Most Partner Central reads this run may make (quota: 100,000 per rolling 24 h, shared with the processor).
    #[arg(long, default_value_t = PC_READS_PER_DAY / 2)]
    pub read_budget: u64,
}

impl PartnerCentralArgs {
    /// The client.
    pub async fn client(&self, region: Option<String>) -> Result<PartnerCentral, OpsError> {
        let bad = |reason: String| OpsError::InvalidArgument {
            argument: "--catalog",
            reason,
        };
        let mut cfg = PartnerCentralConfig::from_lookup(|k| {
            if k == partner_central::ENV_CATALOG {
                self.catalog.clone().or_else(|| std::env::var(k).ok())
            } else {
                std::env::var(k).ok()
            }
        })
        .map_err(|e| bad(e.to_string()))?;
        cfg.endpoint_url = self.partner_central_url.clone();
        let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest());
        if let Some(region) = region {
            loader = loader.region(aws_config::Region::new(region));
        }
        Ok(PartnerCentral::new(&loader.load().await, cfg).await)
    }
}

/// `reconcile` arguments.
#[derive(Debug, Clone, Args)]
pub struct ReconcileArgs {
    /// Settings source.
    #[command(flatten)]
    pub settings: SettingsArgs,
    /// HubSpot connection.
    #[command(flatten)]
    pub hubspot: HubSpotArgs,
    /// Partner Central connection.
    #[command(flatten)]
    pub pc: PartnerCentralArgs,
    /// `full`: GetOpportunity per linked deal, every owned field; `summary`: list pages only, fewer fields.
    #[arg(long, value_enum, default_value = "full")]
    pub depth: Depth,
    /// Write the JSON report here.
    #[arg(long)]
    pub report: Option<String>,
    /// Write a CSV report here (one row per finding / drifted field).
    #[arg(long)]
    pub csv: Option<String>,
    /// Progress line every N deals / opportunities.
    #[arg(long, default_value_t = 100)]
    pub progress_every: usize,
    /// GetOpportunity calls in flight (still at most --read-rate per second).
    #[arg(long, default_value_t = 4)]
    pub concurrency: usize,
    /// After the report: write the link property onto `unlinked` deals with exactly one candidate opportunity
    /// (HubSpot PATCH; the only write reconcile can make).
    #[arg(long)]
    pub link_unlinked: bool,
}

/// The pacers for a run.
pub fn pacers(hs: &HubSpotArgs, pc: &PartnerCentralArgs) -> Pacers {
    Pacers {
        hubspot: Arc::new(Pacer::new("HubSpot requests", hs.hubspot_rate, None)),
        partner_central: Arc::new(Pacer::new("Partner Central reads", pc.read_rate, Some(pc.read_budget))),
    }
}

fn write_file(path: &str, text: &str) -> Result<(), OpsError> {
    std::fs::write(path, text).map_err(|e| OpsError::File {
        action: "write",
        path: path.to_owned(),
        message: e.to_string(),
    })
}

fn eprint_line(line: String) {
    eprintln!("{line}");
}

/// Runs `reconcile`.
pub async fn reconcile(args: ReconcileArgs, region: Option<String>, json: bool) -> Result<(), OpsError> {
    let settings = crate::settings::load(args.settings.settings.as_deref(), args.settings.env_file.as_deref())?;
    let hs = args.hubspot.client()?;
    let pc = args.pc.client(region).await?;
    if !(args.pc.read_rate > 0.0 && args.pc.read_rate <= PC_READS_PER_SECOND) {
        eprintln!(
            "warning: --read-rate {} is outside the Partner Central quota (0, 10]",
            args.pc.read_rate
        );
    }
    let pacers = pacers(&args.hubspot, &args.pc);
    let opts = reconcile::Options {
        depth: args.depth,
        concurrency: args.concurrency,
        progress_every: args.progress_every,
        today: chrono::Utc::now().date_naive(),
        partner_central_read_rate: args.pc.read_rate,
    };
    let report = reconcile::run(&hs, &pc, &settings, &pacers, &opts, &mut eprint_line).await?;
    let pretty = serde_json::to_string_pretty(&report).map_err(|e| OpsError::File {
        action: "render",
        path: "report".into(),
        message: e.to_string(),
    })?;
    if let Some(path) = &args.report {
        write_file(path, &pretty)?;
        eprintln!("report written to {path}");
    }
    if let Some(path) = &args.csv {
        write_file(path, &report.to_csv())?;
        eprintln!("CSV written to {path}");
    }
    if json {
        println!("{pretty}");
    } else {
        print!("{}", report.render_summary());
    }
    if args.link_unlinked {
        let linked = reconcile::link_unlinked(
            &hs,
            &report,
            &settings.properties.opportunity_id,
            &pacers.hubspot,
            &mut eprint_line,
        )
        .await?;
        println!("linked {} deal(s) to their existing opportunity", linked.len());
    }
    Ok(())
}

/// `backfill` arguments.
#[derive(Debug, Clone, Args)]
pub struct BackfillArgs {
    /// HubSpot portal (account) id of the deals.
    #[arg(long)]
    pub portal: u64,
    /// Only these deal ids (repeatable; no HubSpot listing, the processor checks scope).
    #[arg(long = "deal", conflicts_with_all = ["since", "stage"])]
    pub deals: Vec<String>,
    /// Only deals modified at or after this time (RFC 3339, e.g. 2026-11-01T00:00:00Z).
    #[arg(long)]
    pub since: Option<String>,
    /// Only deals in this HubSpot stage id (e.g. qualifiedtobuy).
    #[arg(long)]
    pub stage: Option<String>,
    /// At most this many deals.
    #[arg(long)]
    pub limit: Option<usize>,
    /// Events per second (each causes at most one Partner Central write; quota 1/s).
    #[arg(long, default_value_t = crate::backfill::DEFAULT_RATE)]
    pub rate: f64,
    /// List what would be enqueued, send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Run nonce ([A-Za-z0-9-]); reuse it within 5 minutes to retry a run without duplicates.
    #[arg(long)]
    pub nonce: Option<String>,
    /// Progress line every N events.
    #[arg(long, default_value_t = 50)]
    pub progress_every: usize,
    /// Settings source (scope).
    #[command(flatten)]
    pub settings: SettingsArgs,
    /// HubSpot connection (not needed with --deal).
    #[command(flatten)]
    pub hubspot: HubSpotArgs,
}

/// Runs `backfill`.
pub async fn backfill(args: BackfillArgs, sqs: &Sqs, sel: &Selection, json: bool) -> Result<(), OpsError> {
    let deal_ids = if args.deals.is_empty() {
        let settings = crate::settings::load(args.settings.settings.as_deref(), args.settings.env_file.as_deref())?;
        let hs = args.hubspot.client()?;
        let since = args
            .since
            .as_deref()
            .map(|s| {
                chrono::DateTime::parse_from_rfc3339(s)
                    .map(|t| t.with_timezone(&chrono::Utc))
                    .map_err(|e| OpsError::InvalidArgument {
                        argument: "--since",
                        reason: format!("not RFC 3339: {e}"),
                    })
            })
            .transpose()?;
        let filter = Filter {
            since,
            stage: args.stage.clone(),
            limit: args.limit,
        };
        let pacers = Pacers {
            hubspot: Arc::new(Pacer::new("HubSpot requests", args.hubspot.hubspot_rate, None)),
            partner_central: Arc::new(Pacer::new("Partner Central reads", 0.0, Some(0))),
        };
        crate::backfill::select(&hs, &settings, &filter, &pacers, &mut eprint_line).await?
    } else {
        let mut ids = args.deals.clone();
        ids.truncate(args.limit.unwrap_or(usize::MAX));
        ids
    };
    eprintln!(
        "backfill: {} deal(s), {:.2} event(s)/s, about {:.0} s",
        deal_ids.len(),
        args.rate,
        crate::quota::eta_seconds(deal_ids.len() as u64, args.rate)
    );
    let queue_url = if args.dry_run {
        None
    } else {
        Some(sqs.source_url(sel).await?)
    };
    let plan = Plan {
        portal_id: args.portal,
        deal_ids,
        rate: args.rate,
        nonce: args.nonce.clone(),
        dry_run: args.dry_run,
        progress_every: args.progress_every,
    };
    let result = crate::backfill::run(sqs, queue_url.as_deref(), &plan, &mut eprint_line).await?;
    if json {
        print_json(&result);
    } else {
        for e in &result.events {
            println!("{}\t{}", e.deal_id, e.message_id.as_deref().unwrap_or("(dry run)"));
        }
        println!(
            "{} {} event(s) in {:.1} s, nonce {}",
            if result.dry_run { "planned" } else { "enqueued" },
            result.events.len(),
            result.elapsed_seconds,
            result.nonce
        );
    }
    Ok(())
}

fn print_json<T: serde::Serialize>(v: &T) {
    match serde_json::to_string_pretty(v) {
        Ok(s) => println!("{s}"),
        Err(e) => eprintln!("warning: could not render JSON: {e}"),
    }
}

/// Which shadow records (`shadow list` / `shadow replay`).
#[derive(Debug, Clone, Args)]
pub struct ShadowQueryArgs {
    /// HubSpot portal id.
    #[arg(long)]
    pub portal: Option<u64>,
    /// Deal id (with --portal).
    #[arg(long)]
    pub deal: Option<String>,
    /// Records at or after this time (RFC 3339).
    #[arg(long)]
    pub from: Option<String>,
    /// Records before this time (RFC 3339).
    #[arg(long)]
    pub to: Option<String>,
    /// At most this many records (oldest first).
    #[arg(long)]
    pub max: Option<usize>,
}

impl ShadowQueryArgs {
    fn query(&self) -> Result<crate::shadow::Query, OpsError> {
        let ms = |argument: &'static str, v: &Option<String>| {
            v.as_deref()
                .map(|s| {
                    chrono::DateTime::parse_from_rfc3339(s)
                        .map(|t| t.timestamp_millis().max(0) as u64)
                        .map_err(|e| OpsError::InvalidArgument {
                            argument,
                            reason: format!("not RFC 3339: {e}"),
                        })
                })
                .transpose()
        };
        Ok(crate::shadow::Query {
            portal_id: self.portal,
            deal_id: self.deal.clone(),
            from_ms: ms("--from", &self.from)?,
            to_ms: ms("--to", &self.to)?,
            max: self.max,
        })
    }
}

/// The shadow records bucket.
#[derive(Debug, Clone, Args)]
pub struct BucketArgs {
    /// Bucket (default SHADOW_RECORDS_BUCKET; the stack output ShadowRecordsBucketName).
    #[arg(long, env = "SHADOW_RECORDS_BUCKET")]
    pub bucket: String,
    /// S3 endpoint (local emulators; default --endpoint-url, AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, or AWS).
    #[arg(long)]
    pub s3_endpoint_url: Option<String>,
}

/// `shadow` subcommands.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum ShadowCommand {
    /// List shadow records (keys only) by portal, deal and time.
    List {
        /// Bucket.
        #[command(flatten)]
        bucket: BucketArgs,
        /// Filters.
        #[command(flatten)]
        query: ShadowQueryArgs,
    },
    /// Show one record: ids, events, reads, outcome and planned writes (member names, no values).
    Show {
        /// Bucket.
        #[command(flatten)]
        bucket: BucketArgs,
        /// Record key (`shadow/{portal}/{deal}/{millis}-{message id}.json`).
        key: String,
    },
    /// Re-enqueue the events of records (given keys, or the records matching the filters) to the source queue.
    Replay {
        /// Bucket.
        #[command(flatten)]
        bucket: BucketArgs,
        /// Record keys (else the filters select).
        keys: Vec<String>,
        /// Filters (when no key is given).
        #[command(flatten)]
        query: ShadowQueryArgs,
        /// Show what would be enqueued, send nothing.
        #[arg(long)]
        dry_run: bool,
        /// Replay nonce ([A-Za-z0-9-]); reuse it within 5 minutes to retry without duplicates.
        #[arg(long)]
        nonce: Option<String>,
    },
}

/// Runs a `shadow` subcommand.
pub async fn shadow(
    cmd: ShadowCommand,
    region: Option<String>,
    endpoint_url: Option<String>,
    sqs: &Sqs,
    sel: &Selection,
    json: bool,
) -> Result<(), OpsError> {
    use crate::shadow;
    let connect = |b: &BucketArgs| {
        let endpoint = b.s3_endpoint_url.clone().or_else(|| endpoint_url.clone());
        let (name, region) = (b.bucket.clone(), region.clone());
        async move { shadow::Bucket::connect(&name, region, endpoint).await }
    };
    match cmd {
        ShadowCommand::List { bucket, query } => {
            let b = connect(&bucket).await;
            let listed = shadow::list(&b, &query.query()?).await?;
            if json {
                print_json(&listed);
            } else {
                for l in &listed {
                    let at = i64::try_from(l.recorded_at)
                        .ok()
                        .and_then(chrono::DateTime::from_timestamp_millis)
                        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
                        .unwrap_or_default();
                    println!("{at}  {:>10}  {:>12}  {}", l.portal_id, l.deal_id, l.key);
                }
                println!("{} record(s)", listed.len());
            }
        }
        ShadowCommand::Show { bucket, key } => {
            let b = connect(&bucket).await;
            let v = shadow::view(&shadow::get(&b, &key).await?);
            if json {
                print_json(&v);
            } else {
                print!("{}", shadow::render(&v));
            }
        }
        ShadowCommand::Replay {
            bucket,
            keys,
            query,
            dry_run,
            nonce,
        } => {
            let b = connect(&bucket).await;
            let keys = if keys.is_empty() {
                if query.portal.is_none() && query.from.is_none() && query.to.is_none() {
                    return Err(OpsError::InvalidArgument {
                        argument: "KEYS/--portal/--from/--to",
                        reason: "give record keys or a filter (replaying the whole bucket needs at least --from)"
                            .into(),
                    });
                }
                shadow::list(&b, &query.query()?)
                    .await?
                    .into_iter()
                    .map(|l| l.key)
                    .collect()
            } else {
                keys
            };
            let mut records = Vec::with_capacity(keys.len());
            for key in keys {
                let r = shadow::get(&b, &key).await?;
                records.push((key, r));
            }
            let nonce = match nonce {
                Some(n)
                    if n.is_empty() || n.len() > 64 || !n.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-') =>
                {
                    return Err(OpsError::InvalidArgument {
                        argument: "--nonce",
                        reason: "use 1-64 characters of [A-Za-z0-9-]".into(),
                    });
                }
                Some(n) => n,
                None => crate::replay::random_nonce(),
            };
            let queue_url = if dry_run {
                None
            } else {
                Some(sqs.source_url(sel).await?)
            };
            let requeued = shadow::replay(sqs, queue_url.as_deref(), &records, &nonce, &mut eprint_line).await?;
            if json {
                print_json(&requeued);
            } else {
                for r in &requeued {
                    println!(
                        "{}\t{}\t{}",
                        r.key,
                        r.group_id,
                        r.message_id.as_deref().unwrap_or("(dry run)")
                    );
                }
                println!(
                    "{} {} event(s) from {} record(s), nonce {nonce}",
                    if dry_run { "would enqueue" } else { "enqueued" },
                    requeued.len(),
                    records.len()
                );
            }
        }
    }
    Ok(())
}
