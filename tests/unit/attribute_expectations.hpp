#pragma once
// GoogleTest expectations that two attribute trees are the same, member by member, so that a
// failure names the attribute and the member that differ. Shared by the codec and renderer tests.

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "model/entity.hpp"

namespace tsunagu::test_support {

enum class Timestamps { Compare, Ignore };

inline void expect_same_attributes(const model::AttributeList& actual,
                                   const model::AttributeList& expected, Timestamps timestamps);

inline void expect_same_attribute(const model::Attribute& actual, const model::Attribute& expected,
                                  Timestamps timestamps) {
  EXPECT_EQ(actual.kind, expected.kind);
  EXPECT_EQ(actual.value, expected.value) << boost::json::serialize(actual.value);
  EXPECT_EQ(actual.dataset_id, expected.dataset_id);
  EXPECT_EQ(actual.observed_at, expected.observed_at);
  EXPECT_EQ(actual.unit_code, expected.unit_code);
  EXPECT_EQ(actual.object_type, expected.object_type);
  if (timestamps == Timestamps::Compare) {
    EXPECT_EQ(actual.created_at, expected.created_at);
    EXPECT_EQ(actual.modified_at, expected.modified_at);
  }
  expect_same_attributes(actual.sub_attributes, expected.sub_attributes, timestamps);
}

inline void expect_same_attributes(const model::AttributeList& actual,
                                   const model::AttributeList& expected, Timestamps timestamps) {
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t i = 0; i < actual.size(); ++i) {
    SCOPED_TRACE(expected[i].name);
    EXPECT_EQ(actual[i].name, expected[i].name);
    ASSERT_EQ(actual[i].instances.size(), expected[i].instances.size());
    for (std::size_t k = 0; k < actual[i].instances.size(); ++k) {
      expect_same_attribute(actual[i].instances[k], expected[i].instances[k], timestamps);
    }
  }
}

}  // namespace tsunagu::test_support
