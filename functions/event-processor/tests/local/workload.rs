//! Issue 5's scripted workload, as data: 100 webhook events over 20 deals in eight phases, each phase with the
//! HubSpot changes its events report. One script, run three ways: `tests/workload.rs` (calls made against the
//! minimum the script allows), `tests/shadow_workload.rs` (shadow vs live, batch by batch) and
//! `benches/workload.rs` (processor throughput and external calls per event).
//!
//! Deal i = 9500 + i, i in 0..20; deals 18 and 19 are out of scope; deal i's primary company is 701 + i % 4 and its
//! contact 801 + i % 4. Phases: A 20 creations; B 20 echoes (`aws_opportunity_id` written by the sync); C 20
//! `amount` changes (real); D 10 redeliveries of C (deals 0..10); E 4 company name changes (real); F 6 notes on
//! deals 0..6; G 10 `dealstage` changes on deals 8..18 (real); H 10 echoes (`aws_last_sync`).

use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage};
use hubspot_server::{HubSpotServer, ObjectType};
use partner_central_server::PartnerCentralServer;

use super::{company_props, deal_props, is_hubspot_write, note_created, record, seed_note, set_deal_prop};

/// Deals of the scripted workload.
pub const DEALS: usize = 20;
/// The workload's deals without the tag.
pub const OUT_OF_SCOPE: [usize; 2] = [18, 19];
/// Events in the whole script.
pub const SCRIPT_EVENTS: usize = 100;
/// Deals 0..NOTED get a note in phase F.
const NOTED: usize = 6;

/// HubSpot id of workload deal `i`.
pub fn deal_id(i: usize) -> String {
    format!("{}", 9500 + i)
}

/// Primary company of workload deal `i`.
pub fn company_id(i: usize) -> String {
    format!("{}", 701 + i % 4)
}

/// HubSpot id of the note phase F creates on deal `i`.
pub fn note_id(i: usize) -> String {
    format!("{}", 901 + i)
}

/// Whether workload deal `i` carries the tag.
pub fn in_scope(i: usize) -> bool {
    !OUT_OF_SCOPE.contains(&i)
}

/// Seeds the workload's companies, contacts and deals (each deal with its primary company and one contact).
pub fn seed_workload(hubspot: &HubSpotServer) {
    for c in 0..4 {
        let id = company_id(c);
        hubspot
            .seed(ObjectType::Companies, &id, company_props(&format!("Customer {id}")))
            .unwrap();
        let contact = format!("{}", 801 + c);
        hubspot
            .seed(
                ObjectType::Contacts,
                &contact,
                [
                    ("email", format!("buyer{c}@customer.example")),
                    ("firstname", "Pat".into()),
                ],
            )
            .unwrap();
    }
    for i in 0..DEALS {
        let name = if in_scope(i) {
            format!("Deal {i} #AWS")
        } else {
            format!("Deal {i}")
        };
        let d = deal_id(i);
        hubspot.seed(ObjectType::Deals, &d, deal_props(&name)).unwrap();
        hubspot.associate_primary_company(&d, &company_id(i)).unwrap();
        hubspot
            .associate(ObjectType::Deals, &d, ObjectType::Contacts, &format!("{}", 801 + i % 4))
            .unwrap();
    }
}

/// One phase of the script.
pub struct Phase {
    /// "A creations" ... "H echoes (last sync)".
    pub name: &'static str,
    /// Makes, on the HubSpot server, the changes this phase's events report (before they are delivered).
    pub apply: fn(&HubSpotServer),
    /// The phase's SQS records, in delivery order.
    pub records: Vec<SqsMessage>,
}

impl Phase {
    /// The phase's records as SQS event-source batches of up to 10.
    pub fn batches(&self) -> Vec<SqsEvent> {
        self.records
            .chunks(10)
            .map(|chunk| {
                let mut e = SqsEvent::default();
                e.records = chunk.to_vec();
                e
            })
            .collect()
    }
}

/// A property change of workload deal `i` (message id `{tag}-{i}`).
pub fn deal_change(i: usize, tag: &str, property: &str, value: &str) -> SqsMessage {
    record(
        "deal",
        &deal_id(i),
        &format!("{tag}-{i}"),
        Some((property, value)),
        None,
    )
}

fn amount_change(i: usize) -> SqsMessage {
    deal_change(i, "amount", "amount", "changed")
}

fn no_change(_: &HubSpotServer) {}

fn change_amounts(hubspot: &HubSpotServer) {
    for i in 0..DEALS {
        set_deal_prop(hubspot, &deal_id(i), "amount", &(200_000 + i * 1000).to_string());
    }
}

fn rename_companies(hubspot: &HubSpotServer) {
    for c in 0..4 {
        let id = company_id(c);
        hubspot
            .seed(
                ObjectType::Companies,
                &id,
                company_props(&format!("Renamed customer {id}")),
            )
            .unwrap();
    }
}

fn create_notes(hubspot: &HubSpotServer) {
    let now = chrono::Utc::now().timestamp_millis();
    for i in 0..NOTED {
        seed_note(
            hubspot,
            &note_id(i),
            &format!("<p>Workshop {i} booked</p>"),
            now,
            &[&deal_id(i)],
        );
    }
}

fn change_stages(hubspot: &HubSpotServer) {
    for i in 8..18 {
        set_deal_prop(hubspot, &deal_id(i), "dealstage", "contractsent");
    }
}

/// The whole script, phase by phase ([`SCRIPT_EVENTS`] records in all).
pub fn script() -> Vec<Phase> {
    vec![
        Phase {
            name: "A creations",
            apply: no_change,
            records: (0..DEALS)
                .map(|i| record("deal", &deal_id(i), &format!("create-{i}"), None, None))
                .collect(),
        },
        Phase {
            name: "B echoes (link)",
            apply: no_change,
            records: (0..DEALS)
                .map(|i| deal_change(i, "echo-id", "aws_opportunity_id", "O1"))
                .collect(),
        },
        Phase {
            name: "C amount changes",
            apply: change_amounts,
            records: (0..DEALS).map(amount_change).collect(),
        },
        Phase {
            name: "D redeliveries",
            apply: no_change,
            // The same messages as C's first ten, received a second time.
            records: (0..10)
                .map(|i| {
                    let mut m = amount_change(i);
                    m.attributes.insert("ApproximateReceiveCount".into(), "2".into());
                    m
                })
                .collect(),
        },
        Phase {
            name: "E company changes",
            apply: rename_companies,
            records: (0..4)
                .map(|c| {
                    record(
                        "company",
                        &company_id(c),
                        &format!("company-{c}"),
                        Some(("name", "renamed")),
                        None,
                    )
                })
                .collect(),
        },
        Phase {
            name: "F notes",
            apply: create_notes,
            records: (0..NOTED)
                .map(|i| note_created(&note_id(i), &format!("note-{}", note_id(i))))
                .collect(),
        },
        Phase {
            name: "G stage changes",
            apply: change_stages,
            records: (8..18)
                .map(|i| deal_change(i, "stage", "dealstage", "contractsent"))
                .collect(),
        },
        Phase {
            name: "H echoes (last sync)",
            apply: no_change,
            records: (0..10)
                .map(|i| deal_change(i, "echo-sync", "aws_last_sync", "x"))
                .collect(),
        },
    ]
}

/// External calls the local servers saw, by kind.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Calls {
    pub pc_reads: usize,
    pub pc_writes: usize,
    pub hs_reads: usize,
    pub hs_writes: usize,
}

/// `Calls` from (Partner Central reads, Partner Central writes, HubSpot reads, HubSpot writes).
pub const fn calls(pc_reads: usize, pc_writes: usize, hs_reads: usize, hs_writes: usize) -> Calls {
    Calls {
        pc_reads,
        pc_writes,
        hs_reads,
        hs_writes,
    }
}

impl Calls {
    /// What the two servers have seen so far.
    pub fn seen(hubspot: &HubSpotServer, pc: &PartnerCentralServer) -> Self {
        let requests = hubspot.requests();
        let hs_writes = requests.iter().filter(|r| is_hubspot_write(r)).count();
        Self {
            pc_reads: pc.reads(),
            pc_writes: pc.writes(),
            hs_reads: requests.len() - hs_writes,
            hs_writes,
        }
    }

    /// The calls made since `before`.
    pub fn since(self, before: Self) -> Self {
        calls(
            self.pc_reads - before.pc_reads,
            self.pc_writes - before.pc_writes,
            self.hs_reads - before.hs_reads,
            self.hs_writes - before.hs_writes,
        )
    }

    /// Every call.
    pub fn total(self) -> usize {
        self.pc_reads + self.pc_writes + self.hs_reads + self.hs_writes
    }
}

impl std::ops::Add for Calls {
    type Output = Self;

    fn add(self, o: Self) -> Self {
        calls(
            self.pc_reads + o.pc_reads,
            self.pc_writes + o.pc_writes,
            self.hs_reads + o.hs_reads,
            self.hs_writes + o.hs_writes,
        )
    }
}
