
#[test]
fn charter_toml_maps_an_import_to_a_crate_path() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("gen-cli-mapped");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("api.json"),
        r#"{"name": "shop", "imports": [{"uri": "https://app.apibuilder.io/acme/common/latest/service.json"}],
            "models": {"order": {"fields": [
                {"name": "total", "type": "io.acme.common.v0.models.money"},
                {"name": "other", "type": "io.acme.other.v0.models.thing"}]}}}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("charter.toml"),
        "[generate.rust.crates]\n\"io.acme.common.v0\" = \"acme_common\"\n",
    )
    .unwrap();
    let out = dir.join("out");
    let res = charter(&[
        "generate",
        "rust",
        dir.join("api.json").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--config",
        dir.join("charter.toml").to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&res.stderr);
    assert_eq!(res.status.code(), Some(0), "{stderr}");
    let code = std::fs::read_to_string(out.join("src/shop_v0.rs")).unwrap();
    assert!(code.contains("pub total: acme_common::models::Money"), "{code}");
    // Neither in the repo nor mapped: opaque JSON, with a warning naming it.
    assert!(code.contains("pub other: ::charter_runtime::serde_json::Value"), "{code}");
    assert!(stderr.contains("W1201") && stderr.contains("io.acme.other.v0.models.thing"), "{stderr}");
}
