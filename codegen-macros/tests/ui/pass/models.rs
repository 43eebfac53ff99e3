//! A spec and the spec it imports, generated beside the struct; the import resolves to the
//! generated module of the other service.

#[derive(charter_macros::Api)]
#[charter(spec = "tests/ui/specs/good/shop.json")]
struct Shop;

fn main() {
    assert_eq!(Shop::MODULES, ["io_ui_base_v0", "io_ui_shop_v0"]);
    let item: io_ui_shop_v0::models::Item =
        charter_runtime::serde_json::from_str(r#"{"name": "tea", "price": {"cents": 250}}"#)
            .unwrap();
    assert_eq!(item.size, io_ui_shop_v0::models::Size::Small);
    let io_ui_base_v0::models::Price { cents } = item.price;
    assert_eq!(cents, 250);
}
