//! The editors' desk in headless Chromium: the page and its module load without console
//! errors, its strings come from desk.ftl in the chosen language, an article opened by its
//! link shows the beads (those to review first) and the coverage chart. Screenshots go to
//! target/screenshots/.

use std::path::Path;

use crate::articles::article;
use crate::browser::in_chromium;
use crate::common::{chromium, console_errors, spawn_in};

fn render(browser: &Path, profile: &Path, url: &str, extra: &[&str]) -> (String, String) {
    crate::common::headless(browser, profile, url, (1280, 1400), extra)
}

#[test]
fn the_desk_shows_an_articles_beads_and_coverage_in_chromium() {
    let Some(browser) = chromium() else {
        crate::common::missing(
            "the_desk_shows_an_articles_beads_and_coverage_in_chromium",
            "chromium is missing (apt-get install chromium; .ci/run does)",
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(&dir.path().join("data"), |config| {
        config.locales_dir = Some(concat!(env!("CARGO_MANIFEST_DIR"), "/locales").into());
    });
    assert_eq!(server.post_json("/v1/articles", &article()).status, 201);
    // An earlier copy of it, so the coverage has matches.
    let mut copy = article();
    copy["id"] = "an-earlier-copy".into();
    assert_eq!(server.post_json("/v1/articles", &copy).status, 201);
    let desk = server.get("/desk/");
    assert_eq!(desk.status, 200);
    assert!(desk
        .text()
        .contains("<script type=\"module\" src=\"/desk/desk.js\">"));
    assert!(server
        .get("/desk/desk.js")
        .header("content-type")
        .unwrap()
        .starts_with("text/javascript"));

    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let id = "2026-11-30.transit-deal";
    // In Russian (the picker's choice is kept in the browser; here the browser's language).
    let url = format!("{}/desk/#article={id}", server.url);
    let (dom, log) = render(
        &browser,
        &dir.path().join("p1"),
        &url,
        &["--dump-dom", "--lang=ru", "--accept-lang=ru"],
    );
    assert!(
        console_errors(&log).is_empty(),
        "{:#?}",
        console_errors(&log)
    );
    assert!(
        dom.contains("data-ready=\"true\""),
        "the desk did not finish starting:\n{dom}"
    );
    assert!(
        dom.contains("Проверка выравнивания"),
        "the desk's strings in Russian:\n{dom}"
    );
    // The az beads (the first target) are listed, the one to review first, and every form
    // field has a label.
    let rows = dom.matches("data-bead=").count();
    assert_eq!(rows, 9, "{dom}");
    let first_row = &dom[dom.find("data-bead=").unwrap()..];
    assert!(
        first_row.starts_with("data-bead=\"3\""),
        "the 1-0 bead first: {}",
        &first_row[..200]
    );
    for field in [
        "f-id",
        "f-outlet",
        "f-section",
        "f-authors",
        "f-published",
        "f-source",
        "v-hy-body",
        "api-key",
        "ui-lang",
        "review-lang",
    ] {
        assert!(
            dom.contains(&format!("for=\"{field}\"")),
            "{field} has no label"
        );
    }
    render(
        &browser,
        &dir.path().join("p2"),
        &format!("{}/desk/?lang=ru#article={id}", server.url),
        &[&format!(
            "--screenshot={}",
            shots.join("desk-review.png").display()
        )],
    );

    // The coverage of the article, as a chart and a table.
    let url = format!("{}/desk/?lang=hy#article={id}&tab=coverage", server.url);
    let (dom, log) = render(&browser, &dir.path().join("p3"), &url, &["--dump-dom"]);
    assert!(
        console_errors(&log).is_empty(),
        "{:#?}",
        console_errors(&log)
    );
    assert_eq!(dom.matches("class=\"bar-chart\"").count(), 3, "{dom}");
    assert!(dom.contains("Ծածկույթ"), "the desk's strings in Armenian");
    render(
        &browser,
        &dir.path().join("p4"),
        &url,
        &[&format!(
            "--screenshot={}",
            shots.join("desk-coverage.png").display()
        )],
    );
}

#[test]
fn an_editor_submits_corrects_analyses_and_publishes_through_the_desk() {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(&dir.path().join("data"), |config| {
        config.locales_dir = Some(concat!(env!("CARGO_MANIFEST_DIR"), "/locales").into());
    });
    let fixture = article();
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let base = server.url.clone();
    let ran = in_chromium(
        "an_editor_submits_corrects_analyses_and_publishes_through_the_desk",
        async |driver| {
            use thirtyfour::prelude::*;
            driver.goto(&format!("{base}/desk/?lang=en")).await?;
            driver
                .query(By::Css("body[data-ready='true']"))
                .first()
                .await?;
            // A date the API refuses first (the browser itself checks the id's pattern): the
            // API's message is shown and nothing typed is lost.
            driver
                .find(By::Id("f-id"))
                .await?
                .send_keys("desk-article")
                .await?;
            driver
                .find(By::Id("f-published"))
                .await?
                .send_keys("yesterday")
                .await?;
            for (lang, version) in fixture["versions"].as_object().unwrap() {
                let set = |field: &str, value: &str| {
                    let script = format!(
                        "document.getElementById('v-{lang}-{field}').value = arguments[0];"
                    );
                    let value = serde_json::Value::from(value);
                    let driver = &driver;
                    async move { driver.execute(&script, vec![value]).await.map(|_| ()) }
                };
                set("title", version["title"].as_str().unwrap()).await?;
                set("lead", version["lead"].as_str().unwrap()).await?;
                let body = version.get("html").or(version.get("body")).unwrap();
                set("body", body.as_str().unwrap()).await?;
            }
            driver.find(By::Id("align")).await?.click().await?;
            let error = driver
                .query(By::Css("#error:not([hidden])"))
                .first()
                .await?;
            assert!(
                error.text().await?.contains("RFC 3339"),
                "{}",
                error.text().await?
            );
            let typed = driver
                .find(By::Id("v-hy-title"))
                .await?
                .prop("value")
                .await?;
            assert_eq!(
                typed.as_deref(),
                fixture["versions"]["hy"]["title"].as_str()
            );

            // The date corrected: aligned, and the review shows the beads.
            let published = driver.find(By::Id("f-published")).await?;
            published.clear().await?;
            published.send_keys("2026-11-30T09:00:00+04:00").await?;
            driver
                .find(By::Id("f-section"))
                .await?
                .send_keys("politics")
                .await?;
            driver.find(By::Id("align")).await?.click().await?;
            driver.query(By::Css("tr[data-bead]")).first().await?;
            driver
                .execute(
                    "const s = document.getElementById('review-lang'); s.value = 'hy'; s.dispatchEvent(new Event('change'));",
                    vec![],
                )
                .await?;
            // Split the bead that merged two English sentences into one Armenian one.
            let split = driver
                .query(By::Css(
                    "tr[data-bead='2'] button[data-action='desk-split']",
                ))
                .first()
                .await?;
            split.click().await?;
            driver
                .screenshot(&shots.join("desk-webdriver-review.png"))
                .await?;
            driver.find(By::Id("confirm")).await?.click().await?;
            driver
                .query(By::XPath("//p[@id='status'][contains(., 'confirmed')]"))
                .first()
                .await?;

            // Coverage, then publish, then the edition page.
            driver
                .find(By::Css("button[data-tab='coverage']"))
                .await?
                .click()
                .await?;
            driver.find(By::Id("analyse")).await?.click().await?;
            let charts = driver
                .query(By::Css(".bar-chart"))
                .all_from_selector_required()
                .await?;
            assert_eq!(charts.len(), 3);
            driver
                .find(By::Css("button[data-tab='publish']"))
                .await?
                .click()
                .await?;
            driver.find(By::Id("publish")).await?.click().await?;
            let link = driver
                .query(By::Css("#edition-links a[lang='hy']"))
                .first()
                .await?;
            link.click().await?;
            driver.query(By::Css("html[lang='hy'] h1")).first().await?;
            driver
                .screenshot(&shots.join("desk-webdriver-edition-hy.png"))
                .await?;
            Ok(())
        },
    );
    if ran.is_none() {
        return;
    }
    // What the desk did, as the API sees it.
    let stored = server.get("/v1/articles/desk-article").json();
    let hy = stored["versions"]["hy"]["alignment"].as_array().unwrap();
    assert!(hy.iter().all(|b| b["state"] == "confirmed"), "{hy:?}");
    assert!(hy
        .iter()
        .any(|b| b["source"] == serde_json::json!([2]) && b["target"] == serde_json::json!([2])));
    assert!(hy
        .iter()
        .any(|b| b["source"] == serde_json::json!([3]) && b["target"] == serde_json::json!([])));
    assert_eq!(stored["versions"]["hy"]["status"], "published");
    assert_eq!(server.get("/editions/desk-article/hy").status, 200);
}

/// What has the keyboard focus: its id, or its bead and action, and whether its focus ring
/// shows (a keyboard user must see where they are).
async fn focused(
    driver: &thirtyfour::WebDriver,
) -> thirtyfour::prelude::WebDriverResult<(String, bool)> {
    let ret = driver
        .execute(
            "const e = document.activeElement; \
             const row = e.closest('tr[data-bead]'); \
             const name = e.id || (row ? `bead-${row.dataset.bead}:${e.dataset.action}` : e.tagName); \
             return [name, getComputedStyle(e).outlineStyle !== 'none'];",
            vec![],
        )
        .await?;
    let value = ret.json();
    Ok((
        value[0].as_str().unwrap_or("").to_string(),
        value[1].as_bool().unwrap_or(false),
    ))
}

/// Presses Tab until `want` has the focus, checking every stop shows its focus ring; the
/// stops on the way, or a failure naming them when `want` is not reached in `limit` presses.
async fn tab_to(
    driver: &thirtyfour::WebDriver,
    want: &str,
    limit: usize,
) -> thirtyfour::prelude::WebDriverResult<Vec<String>> {
    use thirtyfour::prelude::*;
    let mut stops = Vec::new();
    for _ in 0..limit {
        driver.action_chain().send_keys(Key::Tab).perform().await?;
        let (name, ring) = focused(driver).await?;
        assert!(ring, "{name} has the focus but shows no focus ring");
        stops.push(name.clone());
        if name == want {
            return Ok(stops);
        }
    }
    panic!("{want} is not reached by Tab; the stops were {stops:?}");
}

/// The desk by keyboard alone: Tab reaches every control in reading order with a visible
/// focus ring, the tabs follow the ARIA tabs pattern (one Tab stop, arrow keys), and an
/// editor picks a language, splits a bead and confirms without a mouse, keeping their place
/// in the table after each action.
#[test]
fn the_desk_is_usable_by_keyboard_alone() {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(&dir.path().join("data"), |config| {
        config.locales_dir = Some(concat!(env!("CARGO_MANIFEST_DIR"), "/locales").into());
    });
    assert_eq!(server.post_json("/v1/articles", &article()).status, 201);
    let id = "2026-11-30.transit-deal";
    let url = format!("{}/desk/?lang=en#article={id}", server.url);
    let ran = in_chromium("the_desk_is_usable_by_keyboard_alone", async |driver| {
        use thirtyfour::prelude::*;
        driver.goto(&url).await?;
        driver
            .query(By::Css("body[data-ready='true']"))
            .first()
            .await?;
        // From the top: the header's controls, then the selected tab alone of the four.
        let stops = tab_to(driver, "tab-button-review", 10).await?;
        assert_eq!(
            stops,
            ["ui-lang", "api-key", "tab-button-review"],
            "{stops:?}"
        );
        // Arrow keys move between the tabs and select them; the panel follows.
        driver
            .action_chain()
            .send_keys(Key::Right)
            .perform()
            .await?;
        assert_eq!(focused(driver).await?.0, "tab-button-coverage");
        assert!(driver
            .find(By::Id("tab-review"))
            .await?
            .attr("hidden")
            .await?
            .is_some());
        assert!(driver
            .find(By::Id("tab-coverage"))
            .await?
            .attr("hidden")
            .await?
            .is_none());
        driver.action_chain().send_keys(Key::Left).perform().await?;
        assert_eq!(focused(driver).await?.0, "tab-button-review");
        assert_eq!(
            driver
                .find(By::Id("tab-button-review"))
                .await?
                .attr("aria-selected")
                .await?
                .as_deref(),
            Some("true")
        );
        // The target language by keyboard: az is shown first, hy is the next option.
        tab_to(driver, "review-lang", 5).await?;
        driver.action_chain().send_keys(Key::Down).perform().await?;
        let shown = driver
            .find(By::Id("review-lang"))
            .await?
            .prop("value")
            .await?;
        assert_eq!(shown.as_deref(), Some("hy"));
        let rows_before = driver.find_all(By::Css("#beads tbody tr")).await?.len();
        // The hy 2-1 bead (bead 3 on screen, index 2) split by Enter on its Split button.
        tab_to(driver, "bead-2:desk-split", 80).await?;
        driver
            .action_chain()
            .send_keys(Key::Enter)
            .perform()
            .await?;
        let rows_after = driver.find_all(By::Css("#beads tbody tr")).await?.len();
        assert_eq!(rows_after, rows_before + 1);
        let (place, ring) = focused(driver).await?;
        // The bead cannot be split again: the focus stays on the bead, on its first action.
        assert_eq!(place, "bead-2:desk-merge", "the focus went to {place}");
        assert!(ring);
        let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
        std::fs::create_dir_all(&shots).unwrap();
        driver.screenshot(&shots.join("desk-keyboard.png")).await?;
        // On to Confirm, and Enter.
        tab_to(driver, "confirm", 120).await?;
        driver
            .action_chain()
            .send_keys(Key::Enter)
            .perform()
            .await?;
        driver
            .query(By::XPath("//p[@id='status'][contains(., 'confirmed')]"))
            .first()
            .await?;
        Ok(())
    });
    if ran.is_none() {
        return;
    }
    let stored = server.get(&format!("/v1/articles/{id}")).json();
    let hy = stored["versions"]["hy"]["alignment"].as_array().unwrap();
    assert!(hy.iter().all(|b| b["state"] == "confirmed"), "{hy:?}");
    assert!(hy
        .iter()
        .any(|b| b["source"] == serde_json::json!([2]) && b["target"] == serde_json::json!([2])));
}

/// WCAG's contrast ratio of two `#rrggbb` colours.
fn contrast(a: &str, b: &str) -> f64 {
    let luminance = |hex: &str| {
        let channel = |i: usize| {
            let c = u8::from_str_radix(&hex[i..i + 2], 16).unwrap() as f64 / 255.0;
            if c <= 0.03928 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
    };
    let (x, y) = (luminance(a), luminance(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

/// The confidence colours (text on background) are readable: WCAG AA, 4.5:1 at least.
#[test]
fn the_confidence_colours_have_readable_contrast() {
    let css = include_str!("../../desk/desk.css");
    for level in ["high", "mid", "low"] {
        let rule = css
            .lines()
            .find(|l| l.starts_with(&format!("tr.{level} td.conf")))
            .unwrap_or_else(|| panic!("no rule for {level}"));
        let colour = |name: &str| {
            let at = rule.find(&format!("{name}:#")).unwrap() + name.len() + 1;
            rule[at..at + 7].to_string()
        };
        let ratio = contrast(&colour("background"), &colour(";color"));
        assert!(ratio >= 4.5, "{level}: {ratio:.2}");
    }
    assert!(contrast("#17324d", "#ffffff") >= 4.5, "the bars");
}
