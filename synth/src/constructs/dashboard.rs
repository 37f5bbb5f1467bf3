//! A dashboard laid out in rows of typed widgets. The body is serialized to compact JSON and wrapped in
//! `Fn::Sub` whose variables (e.g. `Fn::ImportValue`s) fill `${Var}` placeholders. Rules: `widget-width`
//! (each widget 1..=24, each row <= 24), `dashboard-name` (`^[A-Za-z0-9_-]{1,255}$`), `sub-variable`.

use std::collections::BTreeMap;

use crate::cfn::dashboard::{DashboardBody, Widget, WidgetBody};
use crate::cfn::expr::{Expr, Pseudo, sub_placeholders};
use crate::cfn::resources::cloudwatch::Dashboard;
use crate::cfn::{Handle, Template};

/// Grid width of a CloudWatch dashboard.
pub const GRID_WIDTH: u32 = 24;

/// A widget before layout: width, height, content.
#[derive(Debug, Clone)]
pub struct Cell {
    /// Width (1..=24).
    pub width: u32,
    /// Height.
    pub height: u32,
    /// Content.
    pub body: WidgetBody,
}

/// Inputs of [`dashboard`].
#[derive(Debug, Clone)]
pub struct DashboardProps {
    /// Logical id.
    pub id: String,
    /// Dashboard name.
    pub name: String,
    /// Rows, top to bottom.
    pub rows: Vec<Vec<Cell>>,
    /// `Fn::Sub` variables for placeholders in widget strings.
    pub vars: BTreeMap<String, Expr>,
}

/// Lays out the rows; records width violations.
pub fn layout(t: &mut Template, id: &str, rows: Vec<Vec<Cell>>) -> DashboardBody {
    let mut widgets = Vec::new();
    let mut y = 0;
    for (r, row) in rows.into_iter().enumerate() {
        let mut x = 0;
        let mut h = 0;
        for cell in row {
            if cell.width == 0 || cell.width > GRID_WIDTH {
                t.violation(
                    id,
                    "widget-width",
                    format!(
                        "widget in row {r} has width {}; it must be 1..={GRID_WIDTH}",
                        cell.width
                    ),
                );
            } else if x + cell.width > GRID_WIDTH {
                t.violation(
                    id,
                    "widget-width",
                    format!("row {r} is {} wide; the grid is {GRID_WIDTH}", x + cell.width),
                );
            }
            widgets.push(Widget {
                x,
                y,
                width: cell.width,
                height: cell.height,
                body: cell.body,
            });
            x += cell.width;
            h = h.max(cell.height);
        }
        y += h;
    }
    DashboardBody { widgets }
}

/// Creates the dashboard; returns its handle and the body (for review snapshots).
pub fn dashboard(t: &mut Template, p: DashboardProps) -> (Handle<Dashboard>, DashboardBody) {
    let name_ok = !p.name.is_empty()
        && p.name.len() <= 255
        && p.name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if !name_ok {
        t.violation(
            &p.id,
            "dashboard-name",
            format!("{:?} must match ^[A-Za-z0-9_-]{{1,255}}$", p.name),
        );
    }
    let body = layout(t, &p.id, p.rows);
    let text = serde_json::to_string(&body).unwrap_or_default();
    let placeholders: std::collections::BTreeSet<String> = sub_placeholders(&text).into_iter().collect();
    for var in placeholders {
        if !p.vars.contains_key(&var) && !Pseudo::ALL.iter().any(|ps| ps.name() == var) {
            t.violation(
                &p.id,
                "sub-variable",
                format!("dashboard placeholder ${{{var}}} has no variable"),
            );
        }
    }
    let h = t.add(
        &p.id,
        Dashboard {
            dashboard_body: Expr::Sub(text, p.vars),
            dashboard_name: p.name,
        },
    );
    (h, body)
}
