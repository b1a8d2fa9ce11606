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
