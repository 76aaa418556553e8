package io.distillery.serving;

import io.distillery.schemas.RolloutCommand;
import io.distillery.schemas.RolloutEvent;
import io.distillery.schemas.RolloutEventKind;
import io.distillery.schemas.RolloutState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The rollout state machine: (state, command or evaluation) → event carrying the new full state.
 * Pure: the elected controller calls it and publishes the result; replicas only apply states.
 *
 * <ul>
 *   <li>Evaluation of a new checkpoint: refused → REFUSED (state unchanged); else, unless pinned,
 *       PROMOTED when there is no live checkpoint, or when its dev accuracy is not worse than the
 *       live one's by more than the promotion margin (and at least the floor); else EVALUATED.</li>
 *   <li>PROMOTE x: x live, the old live appended to the previous ids; x stops being canary/shadow.
 *       PROMOTE of the live id itself clears canary and shadow ("back to live only").</li>
 *   <li>CANARY x f: needs a live checkpoint, x ≠ live, f in (0, 1]. SHADOW x: x ≠ live.</li>
 *   <li>PIN / UNPIN: automatic promotion off / on; manual commands still work while pinned.</li>
 *   <li>ROLLBACK: the last previous id becomes live (and leaves the list); the rolled-back one is
 *       dropped, so two rollbacks go two steps back rather than toggling.</li>
 *   <li>Anything invalid (unknown or refused checkpoint, other lineage, bad fraction, nothing to
 *       roll back to) → REFUSED with the reason and the state unchanged.</li>
 * </ul>
 */
public final class RolloutDecider {

    public static final String AUTO = "auto";

    /**
     * @param promotionMargin how much worse (absolute dev accuracy) a candidate may be than live and still be promoted
     * @param minDevAccuracy  a candidate below this is never promoted automatically
     */
    public record Settings(double promotionMargin, double minDevAccuracy) {
        public Settings {
            if (!(promotionMargin >= 0) || !(minDevAccuracy >= 0 && minDevAccuracy <= 1)) {
                throw new IllegalArgumentException("promotion margin " + promotionMargin + " must be >= 0 and min dev accuracy "
                        + minDevAccuracy + " in [0, 1]");
            }
        }
    }

    private final Settings settings;
    private final String lineage;

    public RolloutDecider(Settings settings, String lineage) {
        this.settings = Objects.requireNonNull(settings);
        this.lineage = Objects.requireNonNull(lineage);
    }

    public static RolloutState initial() {
        return RolloutState.newBuilder().setLiveCheckpointId(null).setPreviousLiveIds(new ArrayList<>())
                .setCanaryCheckpointId(null).setCanaryFraction(0).setShadowCheckpointId(null).setPinned(false).build();
    }

    /** The replica roles a state asks for (the previous live is kept loaded for rollback). */
    public static Roles roles(RolloutState state) {
        List<String> previous = strings(state.getPreviousLiveIds());
        return new Roles(str(state.getLiveCheckpointId()), str(state.getCanaryCheckpointId()),
                state.getCanaryCheckpointId() == null ? 0 : state.getCanaryFraction(), str(state.getShadowCheckpointId()),
                previous.isEmpty() ? null : previous.get(previous.size() - 1));
    }

    /** A new checkpoint's evaluation, with the live checkpoint's (empty if none is live or it is unknown). */
    public RolloutEvent onEvaluation(RolloutState state, Evaluation candidate, Optional<Evaluation> live,
                                     String eventId, Instant at) {
        String id = candidate.checkpointId();
        if (candidate.isRefused()) {
            return event(eventId, RolloutEventKind.REFUSED, id, null, AUTO, candidate.refusal(), Map.of(), state, at);
        }
        Map<String, Double> metrics = candidate.metrics();
        double accuracy = candidate.devAccuracy();
        String score = String.format(Locale.ROOT, "dev accuracy %.4f", accuracy);
        if (state.getPinned()) {
            return event(eventId, RolloutEventKind.EVALUATED, id, null, AUTO, score + "; pinned, not promoted", metrics, state, at);
        }
        if (!(accuracy >= settings.minDevAccuracy())) {
            return event(eventId, RolloutEventKind.EVALUATED, id, null, AUTO, String.format(Locale.ROOT,
                    "%s is below the floor %.4f; not promoted", score, settings.minDevAccuracy()), metrics, state, at);
        }
        String liveId = str(state.getLiveCheckpointId());
        if (id.equals(liveId)) {
            // The same checkpoint published again (a trainer asked for one with nothing new): nothing to decide.
            return event(eventId, RolloutEventKind.EVALUATED, id, null, AUTO, score + "; already live", metrics, state, at);
        }
        if (liveId == null) {
            return event(eventId, RolloutEventKind.PROMOTED, id, null, AUTO, score + "; no live checkpoint yet",
                    metrics, promote(state, id), at);
        }
        double liveAccuracy = live.map(Evaluation::devAccuracy).orElse(Double.NaN);
        if (Double.isNaN(liveAccuracy)) {
            return event(eventId, RolloutEventKind.EVALUATED, id, null, AUTO, score + "; live " + liveId
                    + " has no evaluation to compare with, not promoted", metrics, state, at);
        }
        String comparison = String.format(Locale.ROOT, "%s vs live %s %.4f (margin %.4f)", score, liveId, liveAccuracy,
                settings.promotionMargin());
        // the small epsilon keeps "exactly at the margin" on the promoting side despite rounding
        if (accuracy >= liveAccuracy - settings.promotionMargin() - 1e-12) {
            return event(eventId, RolloutEventKind.PROMOTED, id, null, AUTO, comparison + ": not worse, promoted",
                    metrics, promote(state, id), at);
        }
        return event(eventId, RolloutEventKind.EVALUATED, id, null, AUTO, comparison + ": worse, not promoted",
                metrics, state, at);
    }

    /**
     * An operator's command. {@code known} gives a checkpoint's evaluation (loading and evaluating it
     * if needed), empty when the checkpoint is not known here.
     */
    public RolloutEvent onCommand(RolloutState state, RolloutCommand command, Function<String, Optional<Evaluation>> known,
                                  String eventId, Instant at) {
        String by = command.getRequestedBy().toString();
        String commandId = command.getId().toString();
        String target = str(command.getCheckpointId());
        String why = command.getReason() == null || command.getReason().toString().isBlank() ? ""
                : " (" + command.getReason() + ")";
        if (!lineage.equals(command.getLineage().toString())) {
            return refuse(eventId, target, commandId, by, "command for lineage " + command.getLineage()
                    + ", this controller rolls out " + lineage, state, at);
        }
        String liveId = str(state.getLiveCheckpointId());
        switch (command.getAction()) {
            case PROMOTE, CANARY, SHADOW -> {
                if (target == null) {
                    return refuse(eventId, null, commandId, by, command.getAction() + " needs a checkpoint_id", state, at);
                }
                Optional<Evaluation> evaluation = known.apply(target);
                if (evaluation.isEmpty()) {
                    return refuse(eventId, target, commandId, by, "unknown checkpoint " + target
                            + " (not on student.checkpoints, or not yet read)", state, at);
                }
                if (evaluation.get().isRefused()) {
                    return refuse(eventId, target, commandId, by, "checkpoint " + target + " was refused: "
                            + evaluation.get().refusal(), state, at);
                }
                if (!lineage.equals(evaluation.get().lineage())) {
                    return refuse(eventId, target, commandId, by, "checkpoint " + target + " is of lineage "
                            + evaluation.get().lineage() + ", not " + lineage, state, at);
                }
                Map<String, Double> metrics = evaluation.get().metrics();
                switch (command.getAction()) {
                    case PROMOTE -> {
                        if (target.equals(liveId)) {
                            RolloutState cleared = copy(state).setCanaryCheckpointId(null).setCanaryFraction(0)
                                    .setShadowCheckpointId(null).build();
                            return event(eventId, RolloutEventKind.PROMOTED, target, commandId, by,
                                    "already live; canary and shadow cleared" + why, metrics, cleared, at);
                        }
                        return event(eventId, RolloutEventKind.PROMOTED, target, commandId, by, "promoted by " + by + why,
                                metrics, promote(state, target), at);
                    }
                    case CANARY -> {
                        Double fraction = command.getCanaryFraction();
                        if (liveId == null) {
                            return refuse(eventId, target, commandId, by, "a canary needs a live checkpoint to share traffic with",
                                    state, at);
                        }
                        if (target.equals(liveId)) {
                            return refuse(eventId, target, commandId, by, target + " is already live", state, at);
                        }
                        if (fraction == null || !(fraction > 0 && fraction <= 1)) {
                            return refuse(eventId, target, commandId, by, "canary_fraction must be in (0, 1], was " + fraction,
                                    state, at);
                        }
                        RolloutState next = copy(state).setCanaryCheckpointId(target).setCanaryFraction(fraction)
                                .setShadowCheckpointId(target.equals(str(state.getShadowCheckpointId())) ? null
                                        : state.getShadowCheckpointId()).build();
                        return event(eventId, RolloutEventKind.CANARY_STARTED, target, commandId, by,
                                String.format(Locale.ROOT, "canary at %.4f of traffic by %s%s", fraction, by, why), metrics, next, at);
                    }
                    default -> {
                        if (target.equals(liveId)) {
                            return refuse(eventId, target, commandId, by, target + " is already live", state, at);
                        }
                        RolloutState next = copy(state).setShadowCheckpointId(target).build();
                        if (target.equals(str(state.getCanaryCheckpointId()))) {
                            next.setCanaryCheckpointId(null);
                            next.setCanaryFraction(0);
                        }
                        return event(eventId, RolloutEventKind.SHADOW_STARTED, target, commandId, by,
                                "shadowing live by " + by + why, metrics, next, at);
                    }
                }
            }
            case PIN -> {
                return event(eventId, RolloutEventKind.PINNED, liveId, commandId, by, "automatic promotion off" + why, Map.of(),
                        copy(state).setPinned(true).build(), at);
            }
            case UNPIN -> {
                return event(eventId, RolloutEventKind.UNPINNED, liveId, commandId, by, "automatic promotion on" + why, Map.of(),
                        copy(state).setPinned(false).build(), at);
            }
            case ROLLBACK -> {
                List<String> previous = strings(state.getPreviousLiveIds());
                if (previous.isEmpty()) {
                    return refuse(eventId, liveId, commandId, by, "no previous live checkpoint to roll back to", state, at);
                }
                String back = previous.remove(previous.size() - 1);
                RolloutState.Builder next = copy(state).setLiveCheckpointId(back).setPreviousLiveIds(previous);
                if (back.equals(str(state.getCanaryCheckpointId()))) {
                    next.setCanaryCheckpointId(null).setCanaryFraction(0);
                }
                if (back.equals(str(state.getShadowCheckpointId()))) {
                    next.setShadowCheckpointId(null);
                }
                return event(eventId, RolloutEventKind.ROLLED_BACK, back, commandId, by, "rolled back from " + liveId
                        + " by " + by + why, Map.of(), next.build(), at);
            }
            default -> {
                return refuse(eventId, target, commandId, by, "unknown action " + command.getAction(), state, at);
            }
        }
    }

    private static RolloutState promote(RolloutState state, String id) {
        List<String> previous = strings(state.getPreviousLiveIds());
        String live = str(state.getLiveCheckpointId());
        if (live != null && !live.equals(id)) {
            previous.remove(live);
            previous.add(live);
        }
        previous.remove(id);
        RolloutState.Builder next = copy(state).setLiveCheckpointId(id).setPreviousLiveIds(previous);
        if (id.equals(str(state.getCanaryCheckpointId()))) {
            next.setCanaryCheckpointId(null).setCanaryFraction(0);
        }
        if (id.equals(str(state.getShadowCheckpointId()))) {
            next.setShadowCheckpointId(null);
        }
        return next.build();
    }

    private RolloutEvent refuse(String eventId, String checkpointId, String commandId, String by, String reason,
                                RolloutState state, Instant at) {
        return event(eventId, RolloutEventKind.REFUSED, checkpointId, commandId, by, reason, Map.of(), state, at);
    }

    private RolloutEvent event(String eventId, RolloutEventKind kind, String checkpointId, String commandId, String by,
                               String reason, Map<String, Double> metrics, RolloutState state, Instant at) {
        return RolloutEvent.newBuilder().setId(eventId).setLineage(lineage).setKind(kind).setCheckpointId(checkpointId)
                .setCommandId(commandId).setDecidedBy(by).setReason(reason).setMetrics(Map.copyOf(metrics))
                .setState(RolloutState.newBuilder(state).build()).setAt(at).build();
    }

    private static RolloutState.Builder copy(RolloutState state) {
        return RolloutState.newBuilder(state).setPreviousLiveIds(strings(state.getPreviousLiveIds()));
    }

    private static List<String> strings(List<? extends CharSequence> values) {
        List<String> out = new ArrayList<>();
        if (values != null) {
            values.forEach(v -> out.add(v.toString()));
        }
        return out;
    }

    private static String str(CharSequence value) {
        return value == null ? null : value.toString();
    }
}
