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
use std::path::{Path, PathBuf};
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
    /// `--connect-to HOST:PORT:HOST2:PORT2`.
    pub connect_to: Vec<ConnectTo>,
}

/// `--connect-to`: requests for `host:port` go to `to_host:to_port`; the Host header, the
/// TLS server name and cookies stay those of `host`.
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectTo {
    pub host: String,
    pub port: u16,
    /// `None`: the same host (only the port changes).
    pub to_host: Option<String>,
    pub to_port: Option<u16>,
}

/// A `--connect-to` or `--resolve` rule that does not have its form.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("`{given}`: expected {form}, e.g. {example}")]
pub struct RuleError {
    pub given: String,
    pub form: &'static str,
    pub example: &'static str,
}

/// `HOST:PORT:HOST2:PORT2` (curl's form; HOST2 or PORT2 may be empty, an IPv6 HOST2 in
/// brackets).
pub fn parse_connect_to(s: &str) -> Result<ConnectTo, RuleError> {
    let bad = || RuleError {
        given: s.into(),
        form: "HOST:PORT:HOST2:PORT2",
        example: "api.example.com:443:canary.internal:8443",
    };
    let (host, rest) = s.split_once(':').ok_or_else(bad)?;
    let (port, rest) = rest.split_once(':').ok_or_else(bad)?;
    let (to_host, to_port) = rest.rsplit_once(':').ok_or_else(bad)?;
    let port: u16 = port.parse().map_err(|_| bad())?;
    let to_port = match to_port {
        "" => None,
        p => Some(p.parse::<u16>().map_err(|_| bad())?),
    };
    let to_host = to_host.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() || to_host.contains(':') && to_host.parse::<std::net::IpAddr>().is_err() {
        return Err(bad());
    }
    Ok(ConnectTo {
        host: host.to_ascii_lowercase(),
        port,
        to_host: (!to_host.is_empty()).then(|| to_host.to_string()),
        to_port,
    })
}

impl ConnectTo {
    /// The URL to connect to and the Host header to keep, when this rule moves the port;
    /// `None` when it does not apply or only the address changes (that is the resolver's).
    pub fn target(rules: &[ConnectTo], url: &str) -> Option<(String, String)> {
        let mut u = url::Url::parse(url).ok()?;
        let host = u.host_str()?.to_ascii_lowercase();
        let port = u.port_or_known_default()?;
        let rule = rules.iter().find(|r| r.host == host && r.port == port)?;
        let to_port = rule.to_port.filter(|p| *p != port)?;
        let authority = match u.port() {
            Some(p) => format!("{host}:{p}"),
            None => host.clone(),
        };
        u.set_port(Some(to_port)).ok()?;
        Some((u.to_string(), authority))
    }
}

/// `HOST:PORT:ADDR` (curl's form; an IPv6 ADDR in brackets) → the host and the address to use.
pub fn parse_resolve(s: &str) -> Result<(String, std::net::SocketAddr), RuleError> {
    let bad = || RuleError {
        given: s.into(),
        form: "HOST:PORT:ADDR",
        example: "api.example.com:443:127.0.0.1",
    };
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
    /// `--connect-to` rules, and the addresses of their other hosts (looked up once).
    pub connect_to: Arc<Vec<ConnectTo>>,
    moved: Vec<(String, Vec<std::net::SocketAddr>)>,
}

impl Net {
    pub fn new(o: &NetOptions) -> Result<Net, RunError> {
        let tls = if o.ca_certs.is_empty() && o.client_cert.is_none() && !o.insecure {
            default_config().map_err(|e| RunError::Setup(e.to_string()))?
        } else {
            custom_config(o).map_err(|e| RunError::Config(e.to_string()))?
        };
        let proxy = match &o.proxy {
            Some(p) => Some(
                reqwest::Proxy::all(p)
                    .map_err(|e| RunError::Config(format!("invalid --proxy `{p}`: {e}")))?,
            ),
            None => None,
        };
        let mut moved = Vec::new();
        for rule in &o.connect_to {
            let Some(to) = rule.to_host.as_ref().filter(|h| **h != rule.host) else {
                continue;
            };
            let port = rule.to_port.unwrap_or(rule.port);
            let addrs: Vec<std::net::SocketAddr> = match to.parse::<std::net::IpAddr>() {
                Ok(ip) => vec![std::net::SocketAddr::new(ip, port)],
                Err(_) => std::net::ToSocketAddrs::to_socket_addrs(&(to.as_str(), port))
                    .map_err(|e| {
                        RunError::Config(format!("--connect-to: cannot resolve `{to}`: {e}"))
                    })?
                    .collect(),
            };
            moved.push((rule.host.clone(), addrs));
        }
        Ok(Net {
            tls,
            proxy,
            resolve: o.resolve.clone(),
            connect_to: Arc::new(o.connect_to.clone()),
            moved,
        })
    }

    /// A client builder with yarc's user agent, this TLS configuration and proxy.
    pub fn builder(&self) -> reqwest::ClientBuilder {
        // No Referer, ever: on a redirect it would carry the first URL (and any secret in its
        // query) to the next host.
        // Over HTTP/1, header names go out as Postman, curl and browsers write them
        // (`Content-Type`, not `content-type`): names are case-insensitive, but some servers
        // and every echo a test reads back (`headers.Authorization`) are not.
        let mut b = reqwest::Client::builder()
            .user_agent(crate::http::user_agent())
            .http1_title_case_headers()
            .referer(false)
            .use_preconfigured_tls(self.tls.clone())
            .dns_resolver(Arc::new(crate::http::connect_timing::TimedResolver))
            .connector_layer(crate::http::connect_timing::TimedConnect);
        if let Some(p) = &self.proxy {
            b = b.proxy(p.clone());
        }
        for (host, addr) in &self.resolve {
            b = b.resolve(host, *addr);
        }
        for (host, addrs) in &self.moved {
            b = b.resolve_to_addrs(host, addrs);
        }
        b
    }
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

fn finish(mut config: rustls::ClientConfig) -> rustls::ClientConfig {
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    // The default in-memory session cache, noting when each handshake starts (for `-vv`).
    config.resumption = rustls::client::Resumption::store(Arc::new(
        crate::http::connect_timing::TimedSessions::default(),
    ));
    config
}

/// Why TLS cannot be set up as asked.
#[derive(Debug, Clone, thiserror::Error)]
enum TlsError {
    #[error("cannot set up TLS: {0}")]
    Setup(String),
    #[error("cannot load the system's trusted certificates: {0}")]
    TrustStore(String),
    #[error("cannot read certificates from `{0}`: {1}")]
    ReadCerts(String, String),
    #[error("`{0}` holds an invalid certificate: {1}")]
    BadCert(String, String),
    #[error("`{0}` holds no PEM certificate")]
    NoCert(String),
    #[error("cannot set up certificate verification: {0}")]
    Verifier(String),
    #[error("cannot read the private key `{0}`: {1}")]
    Key(String, String),
    #[error("the private key `{key}` does not belong to the client certificate `{cert}`")]
    KeyMismatch { key: String, cert: String },
    #[error(
        "the client certificate `{0}` is an X.509 version 1 certificate, which TLS cannot use: issue it again as version 3 (with extensions, e.g. `openssl x509 -req ... -extfile ext.cnf`)"
    )]
    CertVersion(String),
    #[error("the client certificate `{0}` cannot be used: {1}")]
    ClientCert(String, String),
}

/// The TLS configuration when no option changes it: made once per process; the platform's
/// trust store behind it is read at the first handshake (see [`PlatformOnFirstUse`]).
fn default_config() -> Result<rustls::ClientConfig, TlsError> {
    static CONFIG: std::sync::OnceLock<Result<rustls::ClientConfig, TlsError>> =
        std::sync::OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let provider = provider();
            let verifier = PlatformOnFirstUse {
                provider: Arc::clone(&provider),
                made: std::sync::OnceLock::new(),
            };
            let config = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .map_err(|e| TlsError::Setup(e.to_string()))?
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(verifier))
                .with_no_client_auth();
            Ok(finish(config))
        })
        .clone()
}

/// The platform's verifier, made when a certificate first needs checking: reading the trust
/// store (a file per root on Linux) was half of a short run's start-up, and a run over plain
/// http:// never needs it. Handshake signatures are checked as the platform verifier checks
/// them, with the provider's algorithms.
#[derive(Debug)]
struct PlatformOnFirstUse {
    provider: Arc<CryptoProvider>,
    made: std::sync::OnceLock<Result<Arc<rustls_platform_verifier::Verifier>, TlsError>>,
}

impl PlatformOnFirstUse {
    fn verifier(&self) -> Result<&rustls_platform_verifier::Verifier, rustls::Error> {
        self.made
            .get_or_init(|| {
                rustls_platform_verifier::Verifier::new(Arc::clone(&self.provider))
                    .map(Arc::new)
                    .map_err(|e| TlsError::TrustStore(e.to_string()))
            })
            .as_deref()
            .map_err(|e| rustls::Error::General(e.to_string()))
    }
}

impl ServerCertVerifier for PlatformOnFirstUse {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.verifier()?.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        )
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.verifier()?.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.verifier()?.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

fn read_certs(path: &PathBuf) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let shown = || path.display().to_string();
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
        .map_err(|e| TlsError::ReadCerts(shown(), e.to_string()))?
        .collect::<Result<_, _>>()
        .map_err(|e| TlsError::BadCert(shown(), e.to_string()))?;
    if certs.is_empty() {
        return Err(TlsError::NoCert(shown()));
    }
    Ok(certs)
}

fn custom_config(o: &NetOptions) -> Result<rustls::ClientConfig, TlsError> {
    let provider = provider();
    let builder = rustls::ClientConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Setup(e.to_string()))?
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
                .map_err(|e| TlsError::Verifier(e.to_string()))?,
        )
    };
    let builder = builder.with_custom_certificate_verifier(verifier);
    let config = match &o.client_cert {
        None => builder.with_no_client_auth(),
        Some((cert, key_path)) => {
            let chain = read_certs(cert)?;
            let key = PrivateKeyDer::from_pem_file(key_path)
                .map_err(|e| TlsError::Key(key_path.display().to_string(), e.to_string()))?;
            builder
                .with_client_auth_cert(chain, key)
                .map_err(|e| client_cert_error(&e, cert, key_path))?
        }
    };
    Ok(finish(config))
}

/// Why a client certificate and key cannot be used, naming the file at fault: a key that does
/// not belong to the certificate, or a certificate TLS cannot present (an X.509 version 1
/// certificate, as `openssl x509 -req` without extensions makes).
fn client_cert_error(e: &rustls::Error, cert: &Path, key: &Path) -> TlsError {
    let cert = cert.display().to_string();
    match e {
        rustls::Error::InconsistentKeys(_) => TlsError::KeyMismatch {
            key: key.display().to_string(),
            cert,
        },
        _ if format!("{e:?}").contains("UnsupportedCertVersion") => TlsError::CertVersion(cert),
        _ => TlsError::ClientCert(cert, e.to_string()),
    }
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
