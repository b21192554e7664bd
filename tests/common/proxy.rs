//! A TCP proxy on loopback that a test can cut and restore, standing in for a database
//! server that goes away and comes back: while cut, it refuses new connections and drops
//! the ones it carries.

use std::net::SocketAddr;

use tokio::io::copy_bidirectional;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

pub struct Proxy {
    pub addr: SocketAddr,
    /// `true` while the "server" is up; every relay watches it.
    up: watch::Sender<bool>,
}

impl Proxy {
    /// Starts forwarding 127.0.0.1:<random> to `target`.
    pub async fn start(target: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let addr = listener.local_addr().expect("proxy addr");
        let (up, watcher) = watch::channel(true);
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if !*watcher.borrow() {
                    drop(inbound);
                    continue;
                }
                let mut down = watcher.clone();
                tokio::spawn(async move {
                    let Ok(mut outbound) = TcpStream::connect(target).await else {
                        return;
                    };
                    tokio::select! {
                        _ = copy_bidirectional(&mut inbound, &mut outbound) => {}
                        _ = down.wait_for(|up| !*up) => {}
                    }
                });
            }
        });
        Proxy { addr, up }
    }

    /// The server "goes away": open connections drop at once, new ones are refused.
    pub fn cut(&self) {
        let _ = self.up.send(false);
    }

    /// The server is back.
    pub fn restore(&self) {
        let _ = self.up.send(true);
    }
}

/// host:port of a `scheme://user@host:port/...` URL.
pub fn target_of(url: &str) -> SocketAddr {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let hostport = rest.split(['/', '?']).next().unwrap_or(rest);
    let hostport = hostport.rsplit_once('@').map_or(hostport, |(_, h)| h);
    let hostport = if hostport.contains(':') {
        hostport.to_string()
    } else {
        format!("{hostport}:3306")
    };
    let hostport = hostport.replace("localhost", "127.0.0.1");
    hostport.parse().expect("a host:port")
}

/// The same URL with its host:port replaced by `addr`.
pub fn via(url: &str, addr: SocketAddr) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let (auth_host, tail) = match rest.find(['/', '?']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let user = auth_host
        .rsplit_once('@')
        .map(|(u, _)| format!("{u}@"))
        .unwrap_or_default();
    format!("{scheme}://{user}{addr}{tail}")
}
