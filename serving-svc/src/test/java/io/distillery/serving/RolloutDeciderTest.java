package io.distillery.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.schemas.RolloutAction;
import io.distillery.schemas.RolloutCommand;
import io.distillery.schemas.RolloutEvent;
import io.distillery.schemas.RolloutEventKind;
import io.distillery.schemas.RolloutState;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RolloutDeciderTest {

    private static final String LINEAGE = "mlp-sentiment";
    private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");

    private final RolloutDecider decider = new RolloutDecider(new RolloutDecider.Settings(0.02, 0.0), LINEAGE);
    private final Map<String, Evaluation> known = new HashMap<>();

    private Evaluation valid(String id, double accuracy) {
        Evaluation e = Evaluation.valid(id, LINEAGE, Map.of(Evaluation.DEV_ACCURACY, accuracy));
        known.put(id, e);
        return e;
    }

    private RolloutEvent evaluate(RolloutState state, Evaluation candidate) {
        String live = state.getLiveCheckpointId();
        return decider.onEvaluation(state, candidate, Optional.ofNullable(live == null ? null : known.get(live)), "e", NOW);
    }

    private RolloutEvent command(RolloutState state, RolloutAction action, String checkpoint, Double fraction) {
        RolloutCommand c = RolloutCommand.newBuilder().setId("c1").setLineage(LINEAGE).setAction(action).setCheckpointId(checkpoint)
                .setCanaryFraction(fraction).setRequestedBy("alice").setReason("").setRequestedAt(NOW).build();
        return decider.onCommand(state, c, id -> Optional.ofNullable(known.get(id)), "e", NOW);
    }

    /** a live at 0.80 (promoted first), then b at 0.85 promoted over it. */
    private RolloutState liveBOverA() {
        RolloutState s = evaluate(RolloutDecider.initial(), valid("a", 0.80)).getState();
        return evaluate(s, valid("b", 0.85)).getState();
    }

    @Test
    void theFirstValidCheckpointIsPromotedAutomatically() {
        RolloutEvent e = evaluate(RolloutDecider.initial(), valid("a", 0.55));
        assertEquals(RolloutEventKind.PROMOTED, e.getKind());
        assertEquals("a", e.getState().getLiveCheckpointId());
        assertEquals("auto", e.getDecidedBy());
        assertNull(e.getCommandId());
        assertEquals(0.55, e.getMetrics().get(Evaluation.DEV_ACCURACY));
        assertTrue(e.getState().getPreviousLiveIds().isEmpty());
    }

    @Test
    void theLiveCheckpointPublishedAgainChangesNothing() {
        RolloutState s = liveBOverA();
        RolloutEvent again = evaluate(s, valid("b", 0.85));
        assertEquals(RolloutEventKind.EVALUATED, again.getKind());
        assertEquals(s, again.getState(), "b stays live and a stays its predecessor");
        assertTrue(again.getReason().endsWith("already live"), again.getReason());
    }

    @Test
    void aCandidateNotWorseThanLiveByMoreThanTheMarginIsPromoted() {
        RolloutState s = evaluate(RolloutDecider.initial(), valid("a", 0.80)).getState();
        RolloutEvent within = evaluate(s, valid("b", 0.78)); // exactly at the margin
        assertEquals(RolloutEventKind.PROMOTED, within.getKind(), within.getReason());
        assertEquals("b", within.getState().getLiveCheckpointId());
        assertEquals(List.of("a"), within.getState().getPreviousLiveIds());
    }

    @Test
    void aCandidateWorseThanLiveBeyondTheMarginIsOnlyEvaluated() {
        RolloutState s = evaluate(RolloutDecider.initial(), valid("a", 0.80)).getState();
        RolloutEvent worse = evaluate(s, valid("b", 0.77));
        assertEquals(RolloutEventKind.EVALUATED, worse.getKind());
        assertEquals(s, worse.getState());
        assertTrue(worse.getReason().contains("worse"), worse.getReason());
    }

    @Test
    void aRefusedCheckpointLeavesTheStateAsItWas() {
        RolloutState s = liveBOverA();
        RolloutEvent refused = evaluate(s, Evaluation.refused("c", LINEAGE, "checkpoint c refused (CORRUPT_WEIGHTS): sha"));
        assertEquals(RolloutEventKind.REFUSED, refused.getKind());
        assertEquals("c", refused.getCheckpointId());
        assertEquals(s, refused.getState());
        assertTrue(refused.getReason().contains("CORRUPT_WEIGHTS"));
    }

    @Test
    void pinnedStopsAutomaticPromotionButNotManualOnes() {
        RolloutState s = command(liveBOverA(), RolloutAction.PIN, null, null).getState();
        assertTrue(s.getPinned());
        RolloutEvent better = evaluate(s, valid("c", 0.99));
        assertEquals(RolloutEventKind.EVALUATED, better.getKind());
        assertEquals("b", better.getState().getLiveCheckpointId());
        RolloutEvent manual = command(s, RolloutAction.PROMOTE, "c", null);
        assertEquals(RolloutEventKind.PROMOTED, manual.getKind());
        assertEquals("c", manual.getState().getLiveCheckpointId());
        assertTrue(manual.getState().getPinned());
        RolloutState unpinned = command(manual.getState(), RolloutAction.UNPIN, null, null).getState();
        assertFalse(unpinned.getPinned());
    }

    @Test
    void theFloorStopsAutomaticPromotionOfABadFirstCheckpoint() {
        RolloutDecider strict = new RolloutDecider(new RolloutDecider.Settings(0.02, 0.6), LINEAGE);
        RolloutEvent e = strict.onEvaluation(RolloutDecider.initial(), valid("a", 0.5), Optional.empty(), "e", NOW);
        assertEquals(RolloutEventKind.EVALUATED, e.getKind());
        assertNull(e.getState().getLiveCheckpointId());
    }

    @Test
    void rollbackReturnsToThePreviousLiveInOneStepAndTwiceGoesTwoBack() {
        RolloutState s = evaluate(liveBOverA(), valid("c", 0.90)).getState();
        assertEquals(List.of("a", "b"), s.getPreviousLiveIds());
        RolloutEvent back = command(s, RolloutAction.ROLLBACK, null, null);
        assertEquals(RolloutEventKind.ROLLED_BACK, back.getKind());
        assertEquals("b", back.getState().getLiveCheckpointId());
        assertEquals(List.of("a"), back.getState().getPreviousLiveIds());
        assertEquals("c1", back.getCommandId());
        assertEquals("alice", back.getDecidedBy());
        RolloutEvent again = command(back.getState(), RolloutAction.ROLLBACK, null, null);
        assertEquals("a", again.getState().getLiveCheckpointId());
        RolloutEvent nothingLeft = command(again.getState(), RolloutAction.ROLLBACK, null, null);
        assertEquals(RolloutEventKind.REFUSED, nothingLeft.getKind());
        assertEquals(again.getState(), nothingLeft.getState());
    }

    @Test
    void canaryNeedsALiveCheckpointAndAFractionInRange() {
        valid("x", 0.9);
        assertEquals(RolloutEventKind.REFUSED, command(RolloutDecider.initial(), RolloutAction.CANARY, "x", 0.1).getKind());
        RolloutState s = liveBOverA();
        assertEquals(RolloutEventKind.REFUSED, command(s, RolloutAction.CANARY, "x", 0.0).getKind());
        assertEquals(RolloutEventKind.REFUSED, command(s, RolloutAction.CANARY, "x", 1.5).getKind());
        assertEquals(RolloutEventKind.REFUSED, command(s, RolloutAction.CANARY, "b", 0.5).getKind());
        RolloutEvent canary = command(s, RolloutAction.CANARY, "x", 0.25);
        assertEquals(RolloutEventKind.CANARY_STARTED, canary.getKind());
        assertEquals("x", canary.getState().getCanaryCheckpointId());
        assertEquals(0.25, canary.getState().getCanaryFraction());
        assertEquals("b", canary.getState().getLiveCheckpointId());
        // promoting the canary ends the canary
        RolloutState promoted = command(canary.getState(), RolloutAction.PROMOTE, "x", null).getState();
        assertEquals("x", promoted.getLiveCheckpointId());
        assertNull(promoted.getCanaryCheckpointId());
        assertEquals(0.0, promoted.getCanaryFraction());
        assertEquals(List.of("a", "b"), promoted.getPreviousLiveIds());
    }

    @Test
    void shadowRunsBesideLiveAndPromotingLiveItselfClearsCandidates() {
        valid("x", 0.9);
        valid("y", 0.9);
        RolloutState s = command(liveBOverA(), RolloutAction.SHADOW, "x", null).getState();
        assertEquals("x", s.getShadowCheckpointId());
        s = command(s, RolloutAction.CANARY, "y", 0.1).getState();
        RolloutEvent reset = command(s, RolloutAction.PROMOTE, "b", null);
        assertEquals(RolloutEventKind.PROMOTED, reset.getKind());
        assertEquals("b", reset.getState().getLiveCheckpointId());
        assertNull(reset.getState().getShadowCheckpointId());
        assertNull(reset.getState().getCanaryCheckpointId());
        assertEquals(List.of("a"), reset.getState().getPreviousLiveIds());
        assertEquals(RolloutEventKind.REFUSED, command(s, RolloutAction.SHADOW, "b", null).getKind());
    }

    @Test
    void unknownRefusedAndForeignCheckpointsAreRefusedByCommands() {
        RolloutState s = liveBOverA();
        RolloutEvent unknown = command(s, RolloutAction.PROMOTE, "nope", null);
        assertEquals(RolloutEventKind.REFUSED, unknown.getKind());
        assertTrue(unknown.getReason().contains("unknown checkpoint"));
        known.put("bad", Evaluation.refused("bad", LINEAGE, "tampered"));
        RolloutEvent bad = command(s, RolloutAction.SHADOW, "bad", null);
        assertEquals(RolloutEventKind.REFUSED, bad.getKind());
        assertTrue(bad.getReason().contains("tampered"));
        known.put("other", Evaluation.valid("other", "bilstm", Map.of(Evaluation.DEV_ACCURACY, 0.99)));
        assertEquals(RolloutEventKind.REFUSED, command(s, RolloutAction.PROMOTE, "other", null).getKind());
        RolloutCommand foreign = RolloutCommand.newBuilder().setId("c2").setLineage("bilstm").setAction(RolloutAction.PIN)
                .setRequestedBy("bob").setRequestedAt(NOW).build();
        RolloutEvent f = decider.onCommand(s, foreign, id -> Optional.empty(), "e", NOW);
        assertEquals(RolloutEventKind.REFUSED, f.getKind());
        assertFalse(f.getState().getPinned());
    }

    @Test
    void rolesKeepThePreviousLiveLoadedForRollback() {
        valid("x", 0.9);
        RolloutState s = command(liveBOverA(), RolloutAction.CANARY, "x", 0.3).getState();
        Roles roles = RolloutDecider.roles(s);
        assertEquals(new Roles("b", "x", 0.3, null, "a"), roles);
        assertEquals(List.of("b", "x", "a"), List.copyOf(roles.ids()));
        assertEquals(Roles.NONE, RolloutDecider.roles(RolloutDecider.initial()));
    }

    @Test
    void aLiveWithoutEvaluationIsNotReplacedAutomatically() {
        RolloutState s = evaluate(RolloutDecider.initial(), valid("a", 0.8)).getState();
        RolloutEvent e = decider.onEvaluation(s, valid("b", 0.9), Optional.empty(), "e", NOW);
        assertEquals(RolloutEventKind.EVALUATED, e.getKind());
    }
}
