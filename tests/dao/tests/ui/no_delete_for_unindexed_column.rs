use charter_dao_tests::db::users::UsersDao;
use charter_runtime::dao::uuid::Uuid;
use charter_runtime::dao::PgConnection;

async fn deletes(conn: &mut PgConnection, user: Uuid) {
    let _ = UsersDao::delete_all_by_status(conn, user, "suspended").await; // indexed: fine
    let _ = UsersDao::delete_all_by_nickname(conn, user, "ada").await;
}

fn main() {
    let _ = deletes;
}
