//! TLS and network settings shared by every client of a run: the trust store (the platform's,
//! plus `--cacert` and an environment's `tls.ca_cert`), client certificates for mutual TLS,
//! `--insecure`, and proxies (`--proxy`, or `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` from the
//! environment, which reqwest reads itself). Certificate verification is on unless asked off.

use crate::outcome::RunError;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use std::path::PathBuf;
use std::sync::Arc;

/// What the command line and the environment file ask for.
#[derive(Debug, Clone, Default)]
pub struct NetOptions {
    /// Extra trusted CA certificates (PEM files), on top of the platform's.
    pub ca_certs: Vec<PathBuf>,
    /// A client certificate chain and its private key (PEM), for mutual TLS.
    pub client_cert: Option<(PathBuf, PathBuf)>,
    /// Accept any server certificate. Warned about on every run.
    pub insecure: bool,
    /// A proxy for every request (otherwise the environment's proxy variables apply).
    pub proxy: Option<String>,
    /// `--resolve HOST:PORT:ADDR`: connect to ADDR for HOST (a given instance behind a name).
    pub resolve: Vec<(String, std::net::SocketAddr)>,
}

/// `HOST:PORT:ADDR` (curl's form; an IPv6 ADDR in brackets) → the host and the address to use.
pub fn parse_resolve(s: &str) -> Result<(String, std::net::SocketAddr), String> {
    let bad = || format!("`{s}`: expected HOST:PORT:ADDR, e.g. api.example.com:443:127.0.0.1");
    let (host, rest) = s.split_once(':').ok_or_else(bad)?;
    let (port, addr) = rest.split_once(':').ok_or_else(bad)?;
    let port: u16 = port.parse().map_err(|_| bad())?;
    let ip: std::net::IpAddr = addr
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .map_err(|_| bad())?;
    if host.is_empty() {
        return Err(bad());
    }
    Ok((host.to_string(), std::net::SocketAddr::new(ip, port)))
}

/// The built TLS configuration and proxy, cloned into every client of the run.
#[derive(Clone)]
pub struct Net {
    tls: rustls::ClientConfig,
    proxy: Option<reqwest::Proxy>,
    resolve: Vec<(String, std::net::SocketAddr)>,
}

impl Net {
    pub fn new(o: &NetOptions) -> Result<Net, RunError> {
        let tls = if o.ca_certs.is_empty() && o.client_cert.is_none() && !o.insecure {
            default_config().map_err(RunError::Setup)?
        } else {
            custom_config(o).map_err(RunError::Config)?
        };
        let proxy = match &o.proxy {
            Some(p) => Some(
                reqwest::Proxy::all(p)
                    .map_err(|e| RunError::Config(format!("invalid --proxy `{p}`: {e}")))?,
            ),
            None => None,
        };
        Ok(Net {
            tls,
            proxy,
            resolve: o.resolve.clone(),
        })
    }

    /// A client builder with yarc's user agent, this TLS configuration and proxy.
    pub fn builder(&self) -> reqwest::ClientBuilder {
        // No Referer, ever: on a redirect it would carry the first URL (and any secret in its
        // query) to the next host.
        let mut b = reqwest::Client::builder()
            .user_agent(crate::http::user_agent())
            .referer(false)
            .use_preconfigured_tls(self.tls.clone());
        if let Some(p) = &self.proxy {
            b = b.proxy(p.clone());
        }
        for (host, addr) in &self.resolve {
            b = b.resolve(host, *addr);
        }
        b
    }
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

fn finish(mut config: rustls::ClientConfig) -> rustls::ClientConfig {
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    config
}

/// The platform's trust store, loaded once per process: it is the costliest part of a client.
fn default_config() -> Result<rustls::ClientConfig, String> {
    static CONFIG: std::sync::OnceLock<Result<rustls::ClientConfig, String>> =
        std::sync::OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let provider = provider();
            let verifier = rustls_platform_verifier::Verifier::new(Arc::clone(&provider))
                .map_err(|e| format!("cannot load the system's trusted certificates: {e}"))?;
            let config = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .map_err(|e| format!("cannot set up TLS: {e}"))?
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(verifier))
                .with_no_client_auth();
            Ok(finish(config))
        })
        .clone()
}

fn read_certs(path: &PathBuf) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
        .map_err(|e| format!("cannot read certificates from `{}`: {e}", path.display()))?
        .collect::<Result<_, _>>()
        .map_err(|e| format!("`{}` holds an invalid certificate: {e}", path.display()))?;
    if certs.is_empty() {
        return Err(format!("`{}` holds no PEM certificate", path.display()));
    }
    Ok(certs)
}

fn custom_config(o: &NetOptions) -> Result<rustls::ClientConfig, String> {
    let provider = provider();
    let builder = rustls::ClientConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("cannot set up TLS: {e}"))?
        .dangerous();
    let verifier: Arc<dyn ServerCertVerifier> = if o.insecure {
        Arc::new(AcceptAny(Arc::clone(&provider)))
    } else {
        let mut extra = Vec::new();
        for path in &o.ca_certs {
            extra.extend(read_certs(path)?);
        }
        Arc::new(
            rustls_platform_verifier::Verifier::new_with_extra_roots(extra, Arc::clone(&provider))
                .map_err(|e| format!("cannot set up certificate verification: {e}"))?,
        )
    };
    let builder = builder.with_custom_certificate_verifier(verifier);
    let config = match &o.client_cert {
        None => builder.with_no_client_auth(),
        Some((cert, key)) => {
            let chain = read_certs(cert)?;
            let key = PrivateKeyDer::from_pem_file(key)
                .map_err(|e| format!("cannot read the private key `{}`: {e}", key.display()))?;
            builder
                .with_client_auth_cert(chain, key)
                .map_err(|e| format!("the client certificate and key do not fit: {e}"))?
        }
    };
    Ok(finish(config))
}

/// `--insecure`: any certificate is accepted; signatures are still checked, so the handshake
/// is real, only the identity is not.
#[derive(Debug)]
struct AcceptAny(Arc<CryptoProvider>);

impl ServerCertVerifier for AcceptAny {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
