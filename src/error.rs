//! One error type for the web layer. Causes are logged; users see a Japanese message
//! (rendered by `web::error_page`).

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("見つかりません")]
    NotFound,
    #[error("ログインしてください")]
    Unauthorized,
    #[error("この操作を行う権限がありません")]
    Forbidden,
    #[error("{0}")]
    BadRequest(String),
    #[error("データベースの処理に失敗しました")]
    Database(#[from] diesel::result::Error),
    #[error("データベースに接続できません")]
    Pool(#[from] diesel::r2d2::PoolError),
    #[error("処理が中断されました")]
    Blocking(#[from] actix_web::error::BlockingError),
    #[error("ほかの処理がデータベースに書き込み中です。しばらくしてからもう一度送信してください（入力した内容は失われていません）")]
    Busy,
    #[error("処理に失敗しました")]
    Internal(anyhow::Error),
}

/// A write a stage module refuses because of what was asked (an id of another
/// consultation, a value out of range): the user's mistake, answered 400 with its message.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Refused(pub String);

impl From<anyhow::Error> for AppError {
    fn from(e: anyhow::Error) -> Self {
        use crate::db::MaybeBusy;
        match e.downcast::<Refused>() {
            Ok(r) => AppError::BadRequest(r.0),
            Err(e) if e.is_busy() => AppError::Busy,
            Err(e) => AppError::Internal(e),
        }
    }
}

impl crate::db::MaybeBusy for AppError {
    fn is_busy(&self) -> bool {
        match self {
            AppError::Database(e) => e.is_busy(),
            AppError::Internal(e) => e.is_busy(),
            _ => false,
        }
    }
}
