//! Page routes, each declared once: the declaration adds the handler to the router and the route
//! to the list that the tests walk (every state-changing route must refuse a forged token).

use crate::kit::state::AppState;
use axum::Router;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{get, post};

/// A set of page routes with the list of what it declares.
#[derive(Default)]
pub struct PageRoutes {
    router: Router<AppState>,
    declared: Vec<(Method, &'static str)>,
}

impl PageRoutes {
    pub fn new() -> PageRoutes {
        PageRoutes::default()
    }

    /// A page that is read (GET, and HEAD with it).
    pub fn get<H, T>(mut self, path: &'static str, handler: H) -> PageRoutes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.router = self.router.route(path, get(handler));
        self.declared.push((Method::GET, path));
        self
    }

    /// A form that changes something (POST): checked for its CSRF token before it runs.
    pub fn post<H, T>(mut self, path: &'static str, handler: H) -> PageRoutes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.router = self.router.route(path, post(handler));
        self.declared.push((Method::POST, path));
        self
    }

    pub fn merge(mut self, other: PageRoutes) -> PageRoutes {
        self.router = self.router.merge(other.router);
        self.declared.extend(other.declared);
        self
    }

    pub fn declared(&self) -> &[(Method, &'static str)] {
        &self.declared
    }

    pub fn into_router(self) -> Router<AppState> {
        self.router
    }
}
