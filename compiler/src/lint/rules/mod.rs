//! One module per rule; [`RULES`] lists them all.

use super::Rule;

pub mod bad_names;
pub mod beacon_event_attributes;
pub mod common_field_types;
pub mod common_parameter_types;
pub mod common_parameters_no_description;
pub mod descriptions;
pub mod duplicate_method_path;
pub mod duplicate_operations;
pub mod duplicate_type_names;
pub mod equivalent_paths;
pub mod error_models_v1;
pub mod error_models_v2;
pub mod event_structure;
pub mod event_union_shape;
pub mod event_unions_consistent;
pub mod event_upserted_models;
pub mod example_values;
pub mod expandable_unions;
pub mod flow_union_discriminator;
pub mod form_bodies;
pub mod get_by_id_404;
pub mod get_by_id_expandable;
pub mod import_not_in_repo;
pub mod inclusive_terminology;
pub mod list_get_parameters;
pub mod list_paging;
pub mod lower_case_paths;
pub mod mapping_models;
pub mod minimum_maximum;
pub mod no_trailing_slash;
pub mod organization_field_position;
pub mod personal_data_names;
pub mod plural_path;
pub mod proxy_query_parameters;
pub mod published_event_models;
pub mod resource_paths_merge;
pub mod snake_case_names;
pub mod sort_attribute;
pub mod sort_parameter_default;
pub mod standard_response;
pub mod success_response;
pub mod union_discriminator;
pub mod unused_types;
pub mod upserted_deleted_naming;
pub mod version_models;
pub mod well_known_attributes;

/// Every rule, in code order.
pub static RULES: &[Rule] = &[
    snake_case_names::RULE,
    plural_path::RULE,
    lower_case_paths::RULE,
    no_trailing_slash::RULE,
    duplicate_method_path::RULE,
    union_discriminator::RULE,
    form_bodies::RULE,
    get_by_id_404::RULE,
    list_paging::RULE,
    descriptions::RULE,
    unused_types::RULE,
    event_union_shape::RULE,
    personal_data_names::RULE,
    equivalent_paths::RULE,
    example_values::RULE,
    success_response::RULE,
    well_known_attributes::RULE,
    bad_names::RULE,
    common_field_types::RULE,
    common_parameter_types::RULE,
    common_parameters_no_description::RULE,
    error_models_v1::RULE,
    error_models_v2::RULE,
    event_structure::RULE,
    event_upserted_models::RULE,
    expandable_unions::RULE,
    list_get_parameters::RULE,
    get_by_id_expandable::RULE,
    inclusive_terminology::RULE,
    mapping_models::RULE,
    minimum_maximum::RULE,
    organization_field_position::RULE,
    proxy_query_parameters::RULE,
    published_event_models::RULE,
    sort_attribute::RULE,
    sort_parameter_default::RULE,
    standard_response::RULE,
    flow_union_discriminator::RULE,
    upserted_deleted_naming::RULE,
    version_models::RULE,
    beacon_event_attributes::RULE,
    duplicate_type_names::RULE,
    duplicate_operations::RULE,
    import_not_in_repo::RULE,
    resource_paths_merge::RULE,
    event_unions_consistent::RULE,
];
