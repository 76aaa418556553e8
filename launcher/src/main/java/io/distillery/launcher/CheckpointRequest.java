package io.distillery.launcher;

import io.distillery.platform.LocalServices;
import io.distillery.platform.LocalServices.Service;
import java.net.http.HttpRequest;
import java.time.Duration;

/** The trainer's {@code POST /checkpoints}, as the demo and the chaos run ask it for a checkpoint now. */
final class CheckpointRequest {

    private CheckpointRequest() {
    }

    /** Answered 201 with the checkpoint's summary once it is on student.checkpoints. */
    static HttpRequest now(LocalServices services) {
        return HttpRequest.newBuilder(services.url(Service.STUDENT_TRAINER, "/checkpoints")).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.noBody()).build();
    }
}
