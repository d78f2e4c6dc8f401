//! Importers: other tools' files into yarc collections (`yarc import postman|openapi`).

pub(crate) mod append;
pub(crate) mod credential;
pub(crate) mod curl;
pub(crate) mod destinations;
pub(crate) mod har;
pub(crate) mod postman;
pub(crate) mod postman_v1;
pub(crate) mod script;
pub(crate) mod vars;
pub(crate) mod yaml_out;

pub(crate) mod openapi;
