#include <catch2/catch.hpp>

#include "models/Units.hpp"

using namespace orchsim::models;

TEST_CASE("models::Units: durations carry their unit", "[models]")
{
  CHECK(*parse_duration_s("250ms") == Approx(0.25));
  CHECK(*parse_duration_s("1.5s") == Approx(1.5));
  CHECK(*parse_duration_s("2m") == Approx(120));
  CHECK(*parse_duration_s("2min") == Approx(120));
  CHECK(*parse_duration_s("1h") == Approx(3600));
  CHECK(*parse_duration_s("50us") == Approx(50e-6));
  CHECK(*parse_duration_s(" 3 s ") == Approx(3));
  CHECK(*parse_duration_s("0") == 0.0);
  CHECK_FALSE(parse_duration_s("5"));
  CHECK_FALSE(parse_duration_s("5 parsecs"));
  CHECK_FALSE(parse_duration_s("ms"));
  CHECK_FALSE(parse_duration_s("nan s"));
  CHECK_FALSE(parse_duration_s("inf s"));
}

TEST_CASE("models::Units: rates are events per time unit", "[models]")
{
  CHECK(*parse_rate_per_s("120/s") == Approx(120));
  CHECK(*parse_rate_per_s("3000/min") == Approx(50));
  CHECK(*parse_rate_per_s("3000/m") == Approx(50));
  CHECK(*parse_rate_per_s("10/h") == Approx(10.0 / 3600));
  CHECK_FALSE(parse_rate_per_s("120"));
  CHECK_FALSE(parse_rate_per_s("120/fortnight"));
}

TEST_CASE("models::Units: shares are percentages or fractions in 0..1", "[models]")
{
  CHECK(*parse_fraction("10%") == Approx(0.1));
  CHECK(*parse_fraction("0.25") == Approx(0.25));
  CHECK_FALSE(parse_fraction("150%"));
  CHECK_FALSE(parse_fraction("-0.1"));
}

TEST_CASE("models::Units: did-you-mean finds near misses only", "[models]")
{
  CHECK(did_you_mean("latncy", {"latency", "instances"}) == std::optional<std::string>("latency"));
  CHECK_FALSE(did_you_mean("zzzzzz", {"latency", "instances"}));
}
