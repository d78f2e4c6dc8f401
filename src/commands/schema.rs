//! `yarc schema`: prints the JSON Schema of the collection or environment format, for editors.

use crate::outcome::Exit;
use clap::Args;

#[derive(Args, Debug)]
pub struct SchemaArgs {
    /// Which format: collection or environment.
    #[arg(value_enum, default_value = "collection")]
    pub kind: crate::schema::Kind,
}

pub(crate) fn execute(a: SchemaArgs) -> super::Outcome {
    crate::outln!("{}", crate::schema::json(a.kind));
    Ok(Exit::Ok)
}
