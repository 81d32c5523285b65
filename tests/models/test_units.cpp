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

TEST_CASE("models::Units: sizes are bytes with a decimal or binary unit", "[models][platform-loader]")
{
  CHECK(*parse_size_bytes("512B") == 512.0);
  CHECK(*parse_size_bytes("2KB") == Approx(2e3));
  CHECK(*parse_size_bytes("2kB") == Approx(2e3));
  CHECK(*parse_size_bytes("1MB") == Approx(1e6));
  CHECK(*parse_size_bytes("1.5GB") == Approx(1.5e9));
  CHECK(*parse_size_bytes("1TB") == Approx(1e12));
  CHECK(*parse_size_bytes("1KiB") == 1024.0);
  CHECK(*parse_size_bytes("2MiB") == Approx(2.0 * 1024 * 1024));
  CHECK(*parse_size_bytes("1GiB") == Approx(1024.0 * 1024 * 1024));
  CHECK(*parse_size_bytes(" 4 B ") == 4.0);
  CHECK(*parse_size_bytes("0") == 0.0);
  CHECK_FALSE(parse_size_bytes("512")); // bytes or bits? a unit is required
  CHECK_FALSE(parse_size_bytes("2Kb")); // bits are not a size
  CHECK_FALSE(parse_size_bytes("2 parsecs"));
  CHECK_FALSE(parse_size_bytes("KB"));
  CHECK_FALSE(parse_size_bytes("nan B"));
  CHECK_FALSE(parse_size_bytes("inf B"));
  CHECK_FALSE(parse_size_bytes("1e307TB")); // overflows to inf
}

TEST_CASE("models::Units: bandwidths are bytes per second, bits divided by 8", "[models][platform-loader]")
{
  CHECK(*parse_bandwidth_Bps("10Gbps") == Approx(1.25e9));
  CHECK(*parse_bandwidth_Bps("100Mbps") == Approx(12.5e6));
  CHECK(*parse_bandwidth_Bps("1kbps") == Approx(125));
  CHECK(*parse_bandwidth_Bps("1bps") == Approx(0.125));
  CHECK(*parse_bandwidth_Bps("1.25GBps") == Approx(1.25e9));
  CHECK(*parse_bandwidth_Bps("125MBps") == Approx(125e6));
  CHECK(*parse_bandwidth_Bps("1Bps") == 1.0);
  CHECK(*parse_bandwidth_Bps("1KiBps") == 1024.0);
  CHECK_FALSE(parse_bandwidth_Bps("10"));
  CHECK_FALSE(parse_bandwidth_Bps("0"));
  CHECK_FALSE(parse_bandwidth_Bps("10Gb"));
  CHECK_FALSE(parse_bandwidth_Bps("10Gbit/s"));
  CHECK_FALSE(parse_bandwidth_Bps("10Xbps"));
  CHECK_FALSE(parse_bandwidth_Bps("bps"));
  CHECK_FALSE(parse_bandwidth_Bps("inf Gbps"));
}

TEST_CASE("models::Units: flops take SimGrid's units and never a plain number", "[models][platform-loader]")
{
  CHECK(*parse_flops("1f") == 1.0);
  CHECK(*parse_flops("100kf") == Approx(1e5));
  CHECK(*parse_flops("10Mf") == Approx(1e7));
  CHECK(*parse_flops("1Gf") == Approx(1e9));
  CHECK(*parse_flops("312Tf") == Approx(312e12));
  CHECK(*parse_flops("1Pf") == Approx(1e15));
  CHECK(*parse_flops("2Gflops") == Approx(2e9));
  CHECK(*parse_flops("0f") == 0.0);
  CHECK_FALSE(parse_flops("1e9"));
  CHECK_FALSE(parse_flops("0"));
  CHECK_FALSE(parse_flops("1Xf"));
  CHECK_FALSE(parse_flops("Gf"));
  CHECK_FALSE(parse_flops("nan Gf"));
}
