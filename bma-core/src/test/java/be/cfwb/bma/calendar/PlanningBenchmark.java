package be.cfwb.bma.calendar;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.address.Inventory;
import be.cfwb.bma.address.Mailbox;
import be.cfwb.bma.address.MailboxConstraints;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Not a unit test: times planning the bundled open data (4,064 mailboxes) and 40,000
 * synthetic ones, with the inventory parse as a baseline measured in the same run. Run:
 * {@code mvn -B -q -pl bma-core -am test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=be.cfwb.bma.calendar.PlanningBenchmark [-Dexec.args=target/bench-plan]}
 * (see docs/benchmarks/planning.md). With an argument, also writes both plans' files there.
 */
public final class PlanningBenchmark {

    private static final int WARMUP = 5;
    private static final int RUNS = 15;

    private PlanningBenchmark() {
    }

    public static void main(String[] args) {
        System.out.printf(Locale.ROOT, "java %s, %d cpu(s)%n", System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors());
        Inventory real = time("baseline: parse the bundled open-data inventory", Inventory::bundledOpenData);
        Planner defaults = new Planner(PlanningSettings.defaults2024());
        MigrationPlan realPlan = time("plan 4,064 real mailboxes (2024 defaults)", () -> defaults.plan(real));
        time("re-plan 4,064 against the previous plan", () -> defaults.plan(real, java.util.Map.of(), days(realPlan)));
        Path out = args.length > 0 ? Path.of(args[0]) : null;
        time("render the 4 files of the 4,064 plan", () -> render(realPlan, out == null ? null : out.resolve("real")));

        Inventory synthetic = synthetic(40_000, 42);
        PlanningSettings big = PlanningSettings.builder().capacity(BmaKind.EC, 2_000).capacity(BmaKind.PO, 1_000)
                .mailsPerHour(10_000).build();
        Planner bigPlanner = new Planner(big);
        MigrationPlan bigPlan = time("plan 40,000 synthetic mailboxes (constraints on ~17%)", () -> bigPlanner.plan(synthetic));
        time("render the 4 files of the 40,000 plan", () -> render(bigPlan, out == null ? null : out.resolve("synthetic")));
        bigPlan.summaryLines().forEach(l -> System.out.println("  " + l));
    }

    private static java.util.Map<BmaAddress, LocalDate> days(MigrationPlan plan) {
        java.util.Map<BmaAddress, LocalDate> m = new java.util.HashMap<>();
        plan.mailboxes().forEach(p -> m.put(p.address(), p.migrationDate()));
        return m;
    }

    private static Object render(MigrationPlan plan, Path dir) {
        if (dir != null) {
            return PlanFiles.write(plan, dir);
        }
        return be.cfwb.bma.calendar.internal.PlanCsv.plan(plan).length()
                + be.cfwb.bma.calendar.internal.PlanJson.plan(plan).length()
                + be.cfwb.bma.calendar.internal.PlanIcs.plan(plan).length()
                + be.cfwb.bma.calendar.internal.PlanHtml.plan(plan, new WorkingDays(plan.settings())).length();
    }

    /**
     * Wall time and this thread's CPU time: on a shared machine the CPU time is the steadier
     * figure, the wall time what a user waits.
     */
    private static <T> T time(String what, Supplier<T> task) {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        T result = null;
        for (int i = 0; i < WARMUP; i++) {
            result = task.get();
        }
        long[] wall = new long[RUNS];
        long[] cpu = new long[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long cpuStart = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            result = task.get();
            wall[i] = (System.nanoTime() - start) / 1_000;
            cpu[i] = (threads.getCurrentThreadCpuTime() - cpuStart) / 1_000;
        }
        Arrays.sort(wall);
        Arrays.sort(cpu);
        System.out.printf(Locale.ROOT, "%-55s wall median %7.1f ms (min %7.1f)   cpu median %7.1f ms (min %7.1f)%n", what,
                wall[RUNS / 2] / 1000.0, wall[0] / 1000.0, cpu[RUNS / 2] / 1000.0, cpu[0] / 1000.0);
        return result;
    }

    /**
     * {@code n} mailboxes, three EC for one PO; about 5% with forbidden dates, 2% with a fixed
     * date, 10% in same-day groups of five, levels and networks spread for the blackouts.
     */
    static Inventory synthetic(int n, long seed) {
        Random random = new Random(seed);
        List<LocalDate> ecDays = new Planner(PlanningSettings.defaults2024()).waveDays(BmaKind.EC);
        List<LocalDate> poDays = new Planner(PlanningSettings.defaults2024()).waveDays(BmaKind.PO);
        String[] levels = {"Fondamental", "Secondaire", "Supérieur"};
        String[] networks = {"Subventionné communal", "Libre confessionnel", "Organisé par la FW-B"};
        List<Mailbox> list = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            BmaKind kind = i % 4 == 0 ? BmaKind.PO : BmaKind.EC;
            List<LocalDate> days = kind == BmaKind.EC ? ecDays : poDays;
            int r = random.nextInt(100);
            Optional<LocalDate> fixed = r < 2 ? Optional.of(days.get(random.nextInt(days.size()))) : Optional.empty();
            TreeSet<LocalDate> forbidden = new TreeSet<>();
            if (r >= 2 && r < 7) {
                forbidden.add(days.get(random.nextInt(days.size())));
                forbidden.add(days.get(random.nextInt(days.size())));
            }
            String group = kind == BmaKind.EC && r >= 7 && r < 17 ? "g" + (i / 20) : "";
            list.add(new Mailbox(BmaAddress.of(kind, i), "Synthetic " + i, networks[i % 3],
                    new TreeSet<>(List.of(levels[random.nextInt(3)])), "1000", "Bruxelles", Optional.empty(),
                    new MailboxConstraints(group.isEmpty() ? fixed : Optional.empty(), forbidden, group), ""));
        }
        return Inventory.of(list);
    }
}
