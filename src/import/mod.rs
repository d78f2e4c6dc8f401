//! Importers: other tools' files into yarc collections (`yarc import postman|openapi`).

pub mod destinations;
pub mod postman;
pub mod script;
pub mod vars;
pub mod yaml_out;

pub mod openapi;
