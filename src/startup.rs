//! Building the web app and binding its listener (port 0 in tests).

use crate::web;
use actix_web::{dev::Server, middleware, web::Data, App, HttpServer};
use std::net::TcpListener;

pub use crate::web::state::AppState;

/// Starts serving on an already bound listener; the caller awaits or spawns the server.
pub fn run(listener: TcpListener, state: AppState) -> std::io::Result<Server> {
    let state = Data::new(state);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .app_data(web::upload::limits())
            .configure(web::routes)
            .wrap(middleware::from_fn(web::guard::authenticate))
            .wrap(web::guard::security_headers())
            .wrap(middleware::Compress::default())
            .wrap(middleware::Logger::new("%s %U %Dms"))
    })
    .listen(listener)?
    .run();
    Ok(server)
}
