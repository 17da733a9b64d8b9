//! Infrastructure under the domain: the database and its migrations, signing keys, ids and
//! CSPRNG tokens, the bounded memo cache, and the HTTP layers that wrap every surface.

pub mod crypto;
pub mod db;
pub mod http;
pub mod http_client;
pub mod ids;
pub mod keys;
pub mod memo;
