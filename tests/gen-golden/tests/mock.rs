//! The generated mock client (`fixtures/gen/mock.rs`): default answers from factories, canned
//! answers (always, once, typed documented errors, undocumented statuses) and call recording for
//! every operation kind (path, query, header and body parameters, unit answers, lists, several
//! success statuses, the `default` error), argument validation that surfaces exactly the error the
//! real client gets from the real server, code generic over the `Api` traits running against both,
//! and a property test that factory values (and values derived from them within the spec's
//! constraints) are accepted by the generated server.

use charter_gen_golden::test_gen_mock_v0::client::{
    self, Api, ChainsApi, PetsApi, PetsGetOptions, PetsPostOptions, SpeciesApi,
};
use charter_gen_golden::test_gen_mock_v0::mock::{Call, MockClient, PetsCall, SpeciesCall};
use charter_gen_golden::test_gen_mock_v0::models::Error as ApiError;
use charter_gen_golden::test_gen_mock_v0::{factories, models::*, server};
use charter_runtime::client::Error;
use charter_runtime::uuid::Uuid;
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::sync::Mutex;

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

#[tokio::test]
async fn default_answers_are_factory_values_with_the_first_success_status() {
    let mock = MockClient::new();
    let pets = mock.pets();
    // A list answers with one element.
    assert_eq!(
        pets.get(Default::default()).await.unwrap(),
        vec![factories::pet()]
    );
    assert_eq!(pets.get_by_id(id(1)).await.unwrap(), factories::pet());
    assert_eq!(
        pets.post(&factories::pet_form(), Default::default())
            .await
            .unwrap(),
        factories::pet()
    );
    // Several success statuses: the first one.
    assert_eq!(
        pets.put_location_by_id(id(1), &factories::location(), &Species::Dog)
            .await
            .unwrap(),
        client::PetsPutLocationByIdResponse::Status200(factories::location())
    );
    // Unit.
    pets.delete_by_id(id(1)).await.unwrap();
    // A primitive.
    assert_eq!(
        mock.species()
            .get_count_by_species(&Species::Cat)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn no_default_answer_for_a_type_without_finite_value() {
    // `chain` holds a required `chain` (warning W1204): its factory would never return, so an
    // operation without a stub answers an error that says what to set, instead of overflowing
    // the stack.
    let mock = MockClient::new();
    let chains = mock.chains();
    for (answer, stub) in [
        (chains.get().await.map(|_| ()), "on_get"),
        (chains.get_by_id(7).await.map(|_| ()), "on_get_by_id"),
    ] {
        let Err(Error::UnexpectedStatus(r)) = answer else {
            panic!("{stub}: {answer:?}");
        };
        assert_eq!(r.status.as_u16(), 501);
        let body = String::from_utf8_lossy(&r.body);
        assert!(
            body.contains("`chain` has no finite value") && body.contains(&format!("`{stub}()`")),
            "{body}"
        );
    }
    // The call was still recorded.
    assert_eq!(mock.chains().calls().len(), 2);
}

#[test]
fn factories_respect_the_spec() {
    let pet = factories::pet();
    // Constraints: string length 2..=3, 1 <= age <= 30, -5 <= weight <= -1, one tag and one label
    // at least; defaults applied; optional fields absent.
    assert!((2..=3).contains(&pet.name.chars().count()), "{}", pet.name);
    assert!((1..=30).contains(&pet.age));
    assert!((-5.0..=-1.0).contains(&pet.weight));
    assert_eq!((pet.tags.len(), pet.labels.len()), (1, 1));
    assert!(pet.vaccinated, "default `true` applied");
    assert_eq!((pet.owner.clone(), pet.parent.clone()), (None, None));
    assert_eq!(pet.species, Species::Dog, "an enum's first value");
    assert_eq!(factories::pet_form().count, 1, "default applied");
    // The union picks a member whose value ends (a shop without address), not the owner, which
    // needs a location again.
    assert!(
        matches!(factories::location(), Location::Shop(s) if s.address.is_none()),
        "{:?}",
        factories::location()
    );
    // Deterministic, and valid JSON both ways.
    assert_eq!(factories::pet(), factories::pet());
    let json = charter_runtime::serde_json::to_string(&factories::pet()).unwrap();
    let back: Pet = charter_runtime::serde_json::from_str(&json).unwrap();
    assert_eq!(back, factories::pet());
}

#[tokio::test]
async fn canned_answers_always_once_and_typed_errors() {
    let mock = MockClient::new();
    let pets = mock.pets();
    let mut rex = factories::pet();
    rex.name = "rex".into();
    let mut tom = factories::pet();
    tom.name = "tom".into();

    // Always, then once on top of it (once answers come first, in order).
    pets.on_get_by_id().returns(rex.clone());
    pets.on_get_by_id().once().returns(tom.clone());
    pets.on_get_by_id()
        .once()
        .fails(client::PetsGetByIdError::Status404);
    assert_eq!(pets.get_by_id(id(1)).await.unwrap(), tom);
    let err = pets.get_by_id(id(1)).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert!(matches!(
        err.documented(),
        Some(client::PetsGetByIdError::Status404)
    ));
    assert_eq!(pets.get_by_id(id(1)).await.unwrap(), rex);
    assert_eq!(pets.get_by_id(id(2)).await.unwrap(), rex);

    // Lists.
    pets.on_get().returns(vec![rex.clone(), tom.clone()]);
    assert_eq!(
        pets.get(Default::default()).await.unwrap(),
        vec![rex.clone(), tom.clone()]
    );
    pets.on_get().once().returns(vec![]);
    assert_eq!(pets.get(Default::default()).await.unwrap(), vec![]);

    // A documented error with a typed body.
    let conflict = vec![ApiError {
        code: "taken".into(),
        message: "name taken".into(),
    }];
    pets.on_post()
        .fails(client::PetsPostError::Status409(conflict.clone()));
    let err = pets
        .post(&factories::pet_form(), Default::default())
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(409));
    assert_eq!(
        err.documented(),
        Some(&client::PetsPostError::Status409(conflict.clone()))
    );

    // Several success statuses, and the spec's `default` error with a chosen status.
    pets.on_put_location_by_id()
        .once()
        .returns(client::PetsPutLocationByIdResponse::Status201(
            factories::location(),
        ));
    pets.on_put_location_by_id().fails_with_status(
        418,
        client::PetsPutLocationByIdError::Default(conflict.clone()),
    );
    let loc = factories::location();
    assert_eq!(
        pets.put_location_by_id(id(1), &loc, &Species::Cat)
            .await
            .unwrap(),
        client::PetsPutLocationByIdResponse::Status201(loc.clone())
    );
    let err = pets
        .put_location_by_id(id(1), &loc, &Species::Cat)
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(418));
    // Without a status, the `default` error is a 500.
    pets.on_put_location_by_id()
        .fails(client::PetsPutLocationByIdError::Default(vec![]));
    let err = pets
        .put_location_by_id(id(1), &loc, &Species::Cat)
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));

    // Unit answers, and an undocumented status (an overloaded server).
    pets.on_delete_by_id()
        .once()
        .fails(client::PetsDeleteByIdError::Status404);
    pets.on_delete_by_id().once().responds_status(503);
    assert!(matches!(
        pets.delete_by_id(id(1)).await.unwrap_err().documented(),
        Some(client::PetsDeleteByIdError::Status404)
    ));
    match pets.delete_by_id(id(1)).await.unwrap_err() {
        Error::UnexpectedStatus(r) => assert_eq!(r.status.as_u16(), 503),
        other => panic!("{other:?}"),
    }
    pets.delete_by_id(id(1)).await.unwrap();

    // Primitives, on another resource.
    mock.species().on_get_count_by_species().returns(7);
    assert_eq!(
        mock.species()
            .get_count_by_species(&Species::Dog)
            .await
            .unwrap(),
        7
    );

    // Reset forgets every answer and call.
    mock.reset();
    assert_eq!(pets.get_by_id(id(1)).await.unwrap(), factories::pet());
    assert_eq!(mock.calls().len(), 1);
}

#[tokio::test]
async fn every_call_is_recorded_with_typed_arguments() {
    let mock = MockClient::new();
    let pets = mock.pets();
    let form = factories::pet_form();
    let loc = factories::location();
    // Query parameters: a list of enums, an optional integer, a defaulted long.
    let options = PetsGetOptions::default()
        .with_species([Species::Cat, Species::Dog])
        .with_min_age(3)
        .with_limit(10);
    pets.get(options.clone()).await.unwrap();
    pets.get(Default::default()).await.unwrap();
    // Path parameter.
    pets.get_by_id(id(7)).await.unwrap();
    // Body and optional header.
    pets.post(&form, PetsPostOptions::default().with_x_trace("trace-1"))
        .await
        .unwrap();
    // Path, body and required header.
    pets.put_location_by_id(id(8), &loc, &Species::Cat)
        .await
        .unwrap();
    pets.delete_by_id(id(9)).await.unwrap();
    mock.species()
        .get_count_by_species(&Species::Dog)
        .await
        .unwrap();

    let expected = vec![
        PetsCall::Get { options },
        PetsCall::Get {
            options: PetsGetOptions::default(),
        },
        PetsCall::GetById { id: id(7) },
        PetsCall::Post {
            body: form.clone(),
            options: PetsPostOptions::default().with_x_trace("trace-1"),
        },
        PetsCall::PutLocationById {
            id: id(8),
            body: loc.clone(),
            species: Species::Cat,
        },
        PetsCall::DeleteById { id: id(9) },
    ];
    assert_eq!(pets.calls(), expected);
    assert_eq!(
        mock.species().calls(),
        vec![SpeciesCall::GetCountBySpecies {
            species: Species::Dog
        }]
    );
    // The whole log, in order, by resource.
    let all = mock.calls();
    assert_eq!(all.len(), 7);
    assert_eq!(all[2], Call::Pets(PetsCall::GetById { id: id(7) }));
    assert!(matches!(
        all[6],
        Call::Species(SpeciesCall::GetCountBySpecies { .. })
    ));
    // Rejected calls are recorded too.
    pets.get(PetsGetOptions::default().with_limit(0))
        .await
        .unwrap_err();
    assert_eq!(pets.calls().len(), 7);
}

/// An in-memory implementation of the generated server.
#[derive(Default)]
struct Shop {
    pets: Mutex<BTreeMap<Uuid, Pet>>,
}

impl server::Pets for Shop {
    async fn get(
        &self,
        request: server::PetsGetRequest,
        _context: charter_runtime::server::Context,
    ) -> server::PetsGetResponse {
        let server::PetsGetRequest {
            species,
            min_age,
            limit,
            ..
        } = request;
        let pets = self.pets.lock().unwrap();
        let list = pets
            .values()
            .filter(|p| species.is_empty() || species.contains(&p.species))
            .filter(|p| min_age.is_none_or(|m| p.age >= m))
            .take(limit as usize)
            .cloned()
            .collect();
        server::PetsGetResponse::Status200(list)
    }
    async fn get_by_id(
        &self,
        request: server::PetsGetByIdRequest,
        _context: charter_runtime::server::Context,
    ) -> server::PetsGetByIdResponse {
        let server::PetsGetByIdRequest { id, .. } = request;
        match self.pets.lock().unwrap().get(&id) {
            Some(p) => server::PetsGetByIdResponse::Status200(p.clone()),
            None => server::PetsGetByIdResponse::Status404,
        }
    }
    async fn post(
        &self,
        request: server::PetsPostRequest,
        _context: charter_runtime::server::Context,
    ) -> server::PetsPostResponse {
        let server::PetsPostRequest { body, .. } = request;
        let mut pets = self.pets.lock().unwrap();
        let pet = Pet {
            id: Uuid::from_u128(pets.len() as u128 + 1),
            name: body.name,
            species: body.species,
            age: body.age,
            tags: body.tags,
            ..factories::pet()
        };
        pets.insert(pet.id, pet.clone());
        server::PetsPostResponse::Status201(pet)
    }
    async fn put_location_by_id(
        &self,
        request: server::PetsPutLocationByIdRequest,
        _context: charter_runtime::server::Context,
    ) -> server::PetsPutLocationByIdResponse {
        let server::PetsPutLocationByIdRequest { body, .. } = request;
        server::PetsPutLocationByIdResponse::Status200(body)
    }
    async fn delete_by_id(
        &self,
        request: server::PetsDeleteByIdRequest,
        _context: charter_runtime::server::Context,
    ) -> server::PetsDeleteByIdResponse {
        let server::PetsDeleteByIdRequest { id, .. } = request;
        match self.pets.lock().unwrap().remove(&id) {
            Some(_) => server::PetsDeleteByIdResponse::Status204,
            None => server::PetsDeleteByIdResponse::Status404,
        }
    }
}

/// There are no chains (a chain has no finite value): the list is empty and no test asks for one.
impl server::Chains for Shop {
    async fn get(
        &self,
        _request: server::ChainsGetRequest,
        _context: charter_runtime::server::Context,
    ) -> server::ChainsGetResponse {
        server::ChainsGetResponse::Status200(Vec::new())
    }
    async fn get_by_id(
        &self,
        _request: server::ChainsGetByIdRequest,
        _context: charter_runtime::server::Context,
    ) -> server::ChainsGetByIdResponse {
        unreachable!("no test asks the server for a chain: it has no finite value")
    }
}

impl server::Species for Shop {
    async fn get_count_by_species(
        &self,
        request: server::SpeciesGetCountBySpeciesRequest,
        _context: charter_runtime::server::Context,
    ) -> server::SpeciesGetCountBySpeciesResponse {
        let server::SpeciesGetCountBySpeciesRequest { species, .. } = request;
        let n = self
            .pets
            .lock()
            .unwrap()
            .values()
            .filter(|p| p.species == species)
            .count();
        server::SpeciesGetCountBySpeciesResponse::Status200(n as i64)
    }
}

async fn start() -> client::Client {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = server::router(Shop::default());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    client::Client::new(format!("http://{addr}"))
}

/// Status and validation body of an error, to compare the mock's with the real client's: an
/// undocumented 422, or (when the operation documents a `default` error) a body that does not
/// decode as the documented error type.
fn rejection<E: std::fmt::Debug>(e: Error<E>) -> (u16, String) {
    match e {
        Error::UnexpectedStatus(r) | Error::InvalidBody(r, _) => {
            let body: charter_runtime::validation::ValidationError =
                charter_runtime::serde_json::from_slice(&r.body).unwrap();
            (r.status.as_u16(), body.field)
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn the_mock_rejects_what_the_server_rejects_with_the_same_error() {
    let real = start().await;
    let mock = MockClient::new();
    // Out of range query parameters (an optional integer and a defaulted long).
    let (a, b) = (
        mock.pets()
            .get(PetsGetOptions::default().with_min_age(-1))
            .await
            .unwrap_err(),
        real.pets()
            .get(PetsGetOptions::default().with_min_age(-1))
            .await
            .unwrap_err(),
    );
    assert_eq!(rejection(a), (422, "min_age".into()));
    assert_eq!(rejection(b), (422, "min_age".into()));
    let (a, b) = (
        mock.pets()
            .get(PetsGetOptions::default().with_limit(101))
            .await
            .unwrap_err(),
        real.pets()
            .get(PetsGetOptions::default().with_limit(101))
            .await
            .unwrap_err(),
    );
    assert_eq!(rejection(a), rejection(b));
    // An unknown enum value, in a list and in a header.
    let unknown = Species::Unknown("dragon".into());
    let (a, b) = (
        mock.pets()
            .get(PetsGetOptions::default().with_species([unknown.clone()]))
            .await
            .unwrap_err(),
        real.pets()
            .get(PetsGetOptions::default().with_species([unknown.clone()]))
            .await
            .unwrap_err(),
    );
    // The element is named with its position in the list.
    assert_eq!(rejection(a), (422, "species[0]".into()));
    assert_eq!(rejection(b), (422, "species[0]".into()));
    let loc = factories::location();
    let (a, b) = (
        mock.pets()
            .put_location_by_id(id(1), &loc, &unknown)
            .await
            .unwrap_err(),
        real.pets()
            .put_location_by_id(id(1), &loc, &unknown)
            .await
            .unwrap_err(),
    );
    // PUT documents a `default` error: the 422 body does not decode as it, in both.
    assert!(matches!(a, Error::InvalidBody(..)), "{a:?}");
    assert_eq!(rejection(a), rejection(b));
    // A path parameter of enum type.
    let (a, b) = (
        mock.species()
            .get_count_by_species(&unknown)
            .await
            .unwrap_err(),
        real.species()
            .get_count_by_species(&unknown)
            .await
            .unwrap_err(),
    );
    assert_eq!(rejection(a), rejection(b));
    // Body fields: string length, integer range, list size. 409 is documented, 422 is not.
    for form in [
        PetForm {
            name: "a".into(),
            ..factories::pet_form()
        },
        PetForm {
            age: 31,
            ..factories::pet_form()
        },
        PetForm {
            tags: vec![],
            ..factories::pet_form()
        },
        PetForm {
            count: 0,
            ..factories::pet_form()
        },
    ] {
        let (a, b) = (
            mock.pets()
                .post(&form, Default::default())
                .await
                .unwrap_err(),
            real.pets()
                .post(&form, Default::default())
                .await
                .unwrap_err(),
        );
        let (a, b) = (rejection(a), rejection(b));
        assert_eq!(a, b, "{form:?}");
        assert_eq!(a.0, 422);
    }
    // A canned answer does not bypass validation: the real server would not reach the handler.
    mock.pets().on_get().returns(vec![]);
    assert!(mock
        .pets()
        .get(PetsGetOptions::default().with_limit(0))
        .await
        .is_err());
}

/// Code under test, generic over the client: the real client and the mock both serve it.
async fn adopt_a_cat(api: &impl Api, name: &str) -> Result<Pet, String> {
    let form = PetForm {
        name: name.to_owned(),
        species: Species::Cat,
        ..factories::pet_form()
    };
    let pet = api
        .pets()
        .post(&form, Default::default())
        .await
        .map_err(|e| e.to_string())?;
    api.pets()
        .get_by_id(pet.id)
        .await
        .map_err(|e| e.to_string())
}

#[tokio::test]
async fn code_generic_over_the_traits_runs_against_the_client_and_the_mock() {
    let real = start().await;
    let pet = adopt_a_cat(&real, "kit").await.unwrap();
    assert_eq!((pet.name.as_str(), &pet.species), ("kit", &Species::Cat));
    assert_eq!(
        real.species()
            .get_count_by_species(&Species::Cat)
            .await
            .unwrap(),
        1
    );

    let mock = MockClient::new();
    let mut canned = factories::pet();
    canned.name = "kit".into();
    mock.pets().on_get_by_id().returns(canned.clone());
    assert_eq!(adopt_a_cat(&mock, "kit").await.unwrap(), canned);
    match &mock.pets().calls()[..] {
        [PetsCall::Post { body, .. }, PetsCall::GetById { id }] => {
            assert_eq!((body.name.as_str(), *id), ("kit", factories::pet().id));
        }
        other => panic!("{other:?}"),
    }
    // A rejected form fails the same way in both.
    let (a, b) = (
        adopt_a_cat(&mock, "toolong").await.unwrap_err(),
        adopt_a_cat(&real, "toolong").await.unwrap_err(),
    );
    assert_eq!(a, b);

    // Futures are `Send`: they can be spawned.
    let handle = tokio::spawn(async move { adopt_a_cat(&real, "tom").await });
    assert!(handle.await.unwrap().is_ok());
}

fn pet_forms() -> impl Strategy<Value = PetForm> {
    (
        "[a-zA-Zé]{2,3}",
        prop_oneof![Just(Species::Dog), Just(Species::Cat)],
        1..=30i32,
        proptest::collection::vec("[a-z ]{0,8}", 1..=5),
        1..=i64::MAX,
    )
        .prop_map(|(name, species, age, tags, count)| PetForm {
            name,
            species,
            age,
            tags,
            count,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Factory values, and values derived from them within the spec's constraints, are accepted by
    /// the generated server (no 400/422) and by the mock's validation.
    #[test]
    fn factory_values_are_accepted_by_the_server(form in pet_forms(), owner_first in any::<bool>()) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let real = start().await;
            let mock = MockClient::new();
            for form in [factories::pet_form(), form.clone()] {
                let created = real.pets().post(&form, Default::default()).await;
                prop_assert!(created.is_ok(), "{:?}: {:?}", form, created);
                prop_assert!(mock.pets().post(&form, Default::default()).await.is_ok());
            }
            let location = if owner_first {
                Location::Owner(Box::new(Owner { address: Box::new(factories::location()), ..factories::owner() }))
            } else {
                factories::location()
            };
            let put = real.pets().put_location_by_id(id(1), &location, &factories::species()).await;
            prop_assert_eq!(put.unwrap(), client::PetsPutLocationByIdResponse::Status200(location));
            let listed = real.pets().get(PetsGetOptions::default().with_species([form.species.clone()]).with_min_age(form.age).with_limit(100)).await;
            prop_assert!(listed.is_ok_and(|l| l.iter().any(|p| p.name == form.name)));
            Ok(())
        })?;
    }
}
