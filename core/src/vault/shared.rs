//! [`Shared`]: a part of the vault state that copies of the state share until one of them changes
//! it. A sync folds new commits into a copy of the state (the old one stays intact should a commit
//! be bad), so without sharing every pull would copy every secret's record.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shared<T>(Arc<T>);

impl<T> Shared<T> {
    pub fn new(value: T) -> Shared<T> {
        Shared(Arc::new(value))
    }
}

impl<T> Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// Mutable access copies the value first if another state still shares it.
impl<T: Clone> DerefMut for Shared<T> {
    fn deref_mut(&mut self) -> &mut T {
        Arc::make_mut(&mut self.0)
    }
}

impl<'a, T> IntoIterator for &'a Shared<T>
where
    &'a T: IntoIterator,
{
    type Item = <&'a T as IntoIterator>::Item;
    type IntoIter = <&'a T as IntoIterator>::IntoIter;
    fn into_iter(self) -> Self::IntoIter {
        self.0.as_ref().into_iter()
    }
}

impl<T: Serialize> Serialize for Shared<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Shared<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Shared::new)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::Shared;

    #[test]
    fn a_change_to_a_copy_leaves_the_original_alone() {
        let mut original = Shared::new(BTreeMap::from([(1, "one")]));
        let mut copy = original.clone();
        copy.insert(2, "two");
        assert_eq!(original.len(), 1);
        assert_eq!(copy.len(), 2);
        original.insert(3, "three");
        assert!(!copy.contains_key(&3));
    }

    #[test]
    fn it_serializes_as_the_value_it_holds() {
        let shared = Shared::new(BTreeMap::from([("a".to_string(), 1)]));
        let json = serde_json::to_string(&shared).unwrap();
        assert_eq!(json, r#"{"a":1}"#);
        let back: Shared<BTreeMap<String, i32>> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, shared);
    }
}
