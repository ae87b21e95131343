//! Building the web app and binding its listener (port 0 in tests).

use crate::db::Pool;
use crate::web;
use actix_web::{dev::Server, middleware, web::Data, App, HttpServer};
use std::net::TcpListener;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub pool: Pool,
}

/// Starts serving on an already bound listener; the caller awaits or spawns the server.
pub fn run(listener: TcpListener, pool: Pool) -> std::io::Result<Server> {
    let state = Data::new(AppState { pool });
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .wrap(middleware::Compress::default())
            .wrap(middleware::Logger::new("%s %r %Dms"))
            .configure(web::routes)
    })
    .listen(listener)?
    .run();
    Ok(server)
}
