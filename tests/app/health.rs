//! `GET /healthz`.

use crate::helpers::spawn_app;

#[tokio::test]
async fn healthz_answers_ok_without_a_session_and_503_when_the_database_is_gone() {
    let app = spawn_app().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "ok");

    app.db.destroy();
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 503);
    let body = response.text().await.unwrap();
    assert!(
        !body.to_lowercase().contains("error:"),
        "no internals: {body}"
    );
}

/// Issue 13 §8: on SQLite an acknowledged commit is on disk (`synchronous = FULL`), so a power cut
/// loses none; on PostgreSQL `synchronous_commit` is on (its default, which Faena assumes).
#[tokio::test]
async fn acknowledged_writes_are_durable() {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Setting {
        #[diesel(sql_type = diesel::sql_types::Text)]
        value: String,
    }
    let app = crate::helpers::spawn_app().await;
    let value = app
        .db(|c| {
            let query = if crate::helpers::on_postgres() {
                "SELECT current_setting('synchronous_commit') AS value"
            } else {
                "SELECT CAST(synchronous AS TEXT) AS value FROM pragma_synchronous"
            };
            diesel::sql_query(query)
                .get_result::<Setting>(c)
                .unwrap()
                .value
        })
        .await;
    let expected = if crate::helpers::on_postgres() {
        "on"
    } else {
        "2"
    };
    assert_eq!(value, expected, "2 is FULL");
}
