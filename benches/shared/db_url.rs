//! Database URLs for the benches that make their own throwaway databases.

/// `scheme://user@host:port/anything?params` with the database replaced by `db`.
pub fn url_with_db(base: &str, db: &str) -> String {
    let (head, query) = base.split_once('?').map_or((base, ""), |(h, q)| (h, q));
    let scheme_end = head.find("://").map_or(0, |i| i + 3);
    let host_end = head[scheme_end..]
        .find('/')
        .map_or(head.len(), |i| scheme_end + i);
    let query = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    format!("{}/{db}{query}", &head[..host_end])
}
