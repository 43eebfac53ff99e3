use charter_dao_tests::db::users::{UserFilter, UsersDao};
use charter_runtime::dao::PgConnection;

async fn lookups(conn: &mut PgConnection) {
    let _ = UsersDao::find_by_email(conn, "ada@example.com").await; // indexed: fine
    let _ = UsersDao::find_by_nickname(conn, "ada").await;
    let _ = UsersDao::find_all_by_nickname(conn, "ada", 10).await;
    let _ = UserFilter { nickname: Some("ada".into()), ..Default::default() };
}

fn main() {
    let _ = lookups;
}
